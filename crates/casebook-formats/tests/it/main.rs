//! Integration tests of the native study folder format.

mod bad_input;
mod reference_folder;
mod rules;
