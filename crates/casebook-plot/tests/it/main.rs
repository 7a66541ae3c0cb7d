//! Integration tests of the figures: well-formed, accessible, deterministic SVG whose text never
//! overlaps and is never clipped.

mod phenotype;
mod support;
mod swimmer;
mod ticks;
mod tidy;
mod trajectory;
