#!/usr/bin/env bash
# Report benchmark: Casebook's full case-series report (statistics, tables, figures, HTML, JSON,
# CSV) for synthetic cohorts of constructed patients, beside the Python package tableone building
# Table 1 alone for the same cohort. Results go into BENCHMARKS.md by hand.
#
#   bash bench/report.sh            # 1,000, 10,000 and 100,000 patients
#   bash bench/report.sh 5000       # one size
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
python3 -c "import tableone" 2>/dev/null || pip install -q tableone
cargo build --release -q -p casebook-report --example synthetic_report
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for n in "${sizes[@]}"; do
  ./target/release/examples/synthetic_report "$n" "$out/report-$n"
  python3 bench/tableone_table1.py "$out/report-$n/patients.csv"
done
