// Embeds the reference study (studies/was-anti-il1) in the binary, so that `casebook demo` works
// on a machine that has only the binary.
use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let study_dir = manifest_dir.join("../../studies/was-anti-il1").canonicalize().expect("studies/was-anti-il1 exists");
    println!("cargo:rerun-if-changed={}", study_dir.display());
    let mut patient_files: Vec<PathBuf> = std::fs::read_dir(study_dir.join("patients"))
        .expect("the reference study has a patients folder")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    patient_files.sort();
    let mut code = String::new();
    writeln!(code, "/// `study.toml` of the reference study.").unwrap();
    writeln!(code, "pub const STUDY_TOML: &str = include_str!({:?});", study_dir.join("study.toml").display().to_string()).unwrap();
    writeln!(code, "/// File name and text of each patient file of the reference study.").unwrap();
    writeln!(code, "pub const PATIENT_FILES: &[(&str, &str)] = &[").unwrap();
    for path in &patient_files {
        let name = path.file_name().unwrap().to_str().unwrap();
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    writeln!(code, "];").unwrap();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("reference_study.rs");
    std::fs::write(out, code).unwrap();
}
