#!/usr/bin/env bash
# The test command of the README: installs the Python reference packages the conformance tests
# compare Casebook with, prepares the phenopacket reference output, and runs every test.
#
#   bash scripts/test.sh                      # all tests (the PostgreSQL half when configured)
#   CASEBOOK_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bash scripts/test.sh
#   bash scripts/test.sh -p casebook-report   # extra arguments go to cargo test
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  -r conformance/requirements.txt -r conformance/fhir/requirements.txt

if [ -z "${CASEBOOK_PHENOPACKETS_REFERENCE_DIR:-}" ]; then
  CASEBOOK_PHENOPACKETS_REFERENCE_DIR="$(mktemp -d)"
  export CASEBOOK_PHENOPACKETS_REFERENCE_DIR
  # The Python reference's canonical output of the same files the Rust tests read.
  python3 conformance/phenopackets_reference.py ../shared/data/phenopacket-store "$CASEBOOK_PHENOPACKETS_REFERENCE_DIR/phenopacket-store" > /dev/null
  python3 conformance/phenopackets_reference.py ../shared/data/phenopacket-examples "$CASEBOOK_PHENOPACKETS_REFERENCE_DIR/phenopacket-examples" > /dev/null
  python3 conformance/phenopackets_reference.py crates/casebook-phenopackets/tests/fixtures/conformance "$CASEBOOK_PHENOPACKETS_REFERENCE_DIR/fixtures" > /dev/null
fi

cargo test --workspace "$@"

# The web application in a real browser (Debian's chromium, installed when missing): e2e/README.md.
bash scripts/e2e.sh
