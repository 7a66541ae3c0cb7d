//! The reference study `was-anti-il1`, embedded in the binary for `casebook demo`.

include!(concat!(env!("OUT_DIR"), "/reference_study.rs"));

/// Writes the embedded study folder to `dir`.
pub fn write_to(dir: &std::path::Path) -> std::io::Result<()> {
    let patients = dir.join(casebook_formats::native::folder::PATIENTS_DIR);
    std::fs::create_dir_all(&patients)?;
    std::fs::write(dir.join(casebook_formats::native::folder::STUDY_FILE), STUDY_TOML)?;
    for (name, text) in PATIENT_FILES {
        std::fs::write(patients.join(name), text)?;
    }
    Ok(())
}
