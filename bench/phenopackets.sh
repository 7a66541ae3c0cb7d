#!/usr/bin/env bash
# Import benchmark: Casebook's full import of phenopackets into a fresh SQLite registry (parse,
# validate against the HPO, map to records, check every clinical rule, store in one
# transaction), beside the Python reference package `phenopackets` parsing the same files
# (parse only, files already in memory: conformance/time_reference.py), Casebook's runs first,
# then Python's. Results go into BENCHMARKS.md by hand; bench/instructions.sh counts
# instructions where times vary.
#
#   bash bench/phenopackets.sh            # the 1,508 phenopacket-store files and 100,000 synthetic ones
#   bash bench/phenopackets.sh 10000      # another synthetic size
#   RUNS=5 bash bench/phenopackets.sh     # runs of each per input (3 by default; the best counts)
set -euo pipefail
cd "$(dirname "$0")/.."
store=../shared/data/phenopacket-store
synthetic=${1:-100000}
python3 -c "import phenopackets" 2>/dev/null || python3 -m pip install --quiet -r conformance/requirements.txt
cargo build --release -q -p casebook
casebook="${CARGO_TARGET_DIR:-target}/release/casebook"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

runs=${RUNS:-3}

run() { # name, folder
  local name=$1 folder=$2
  mkdir -p "$work/$name-study"
  printf 'id = "bench"\ntitle = "Import benchmark"\n\n[[centers]]\nid = "bench"\nname = "benchmark"\ncountry = "XX"\n' > "$work/$name-study/study.toml"
  # Each run imports into a fresh registry; the best run of each tool counts. Casebook's runs come
  # first and Python's after them, not in turns: right after Python's parse of 100,000 files
  # (several gigabytes given back to the system as it exits), the same import took 3.9 to 4.8 s
  # instead of 3.3 to 3.4 s (BENCHMARKS.md), the first touch of memory being dear on this
  # virtual machine.
  for run in $(seq "$runs"); do
    rm -f "$work/$name.db" "$work/$name.db-wal" "$work/$name.db-shm"
    "$casebook" import "$work/$name-study" --database "sqlite://$work/$name.db" > /dev/null
    # The files just read, as Python's timing reads them before its clock starts: this virtual
    # machine gives page cache back within seconds (a sixth of 10,000 files just read were out of
    # it 45 s later, with 21 GB free), and a run would read that part from the disk.
    find "$folder" -name '*.json' -print0 | xargs -0 cat > /dev/null
    # Wall time from bash's clock, to the millisecond (`time`'s %e has 10 ms steps, an eighth of
    # the store files' import); user and system time and peak memory from /usr/bin/time.
    local start=$EPOCHREALTIME
    /usr/bin/time -o "$work/time" -f "%U s user, %S s system, %M KiB peak" \
      "$casebook" import "$folder" --study bench --database "sqlite://$work/$name.db" > /dev/null
    local end=$EPOCHREALTIME
    echo "casebook import $name (run $run): $(awk -v start="$start" -v end="$end" 'BEGIN { printf "%.3f", end - start }') s wall, $(cat "$work/time")"
  done
  for run in $(seq "$runs"); do
    python3 conformance/time_reference.py "$(realpath "$folder")" | grep '^parse:' | sed "s/^/python $name (run $run): /"
  done
}

run store "$store"
python3 bench/synthetic_phenopackets.py "$store" "$synthetic" "$work/synthetic" > /dev/null
# On disk before the runs, so that no run shares the disk with writing them out.
sync
run "synthetic-$synthetic" "$work/synthetic"
