//! Clinical rules: pure functions over domain values, each tested against its source.
