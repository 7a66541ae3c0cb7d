//! Prints the best matches for a query, as an autocomplete would show them.
//!
//! Run with `cargo run --release -p casebook-hpo --example search -- "ecezma" [LIMIT]`.

use casebook_hpo::Hpo;

fn main() {
    let query = std::env::args().nth(1).unwrap_or_default();
    let limit: usize = std::env::args().nth(2).map(|arg| arg.parse().expect("LIMIT is a whole number")).unwrap_or(10);
    let hpo = Hpo::embedded();
    for hit in hpo.search(&query, limit) {
        println!("{}  {:<50}  {:?} via {:?}", hit.id, hit.label, hit.kind, hit.matched_text);
    }
    println!("-- {}", hpo.attribution());
}
