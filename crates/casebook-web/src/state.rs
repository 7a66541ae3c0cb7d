//! What every request handler shares.

use casebook_hpo::Hpo;
use casebook_store::Store;

/// The registry and the vendored ontology.
#[derive(Clone)]
pub struct AppState {
    /// The registry.
    pub store: Store,
    /// The vendored HPO, for autocomplete and labels.
    pub hpo: &'static Hpo,
}
