#!/usr/bin/env bash
# Instructions executed (valgrind's callgrind, all threads) by three Casebook commands on the
# 1,508 phenopacket-store files: loading the HPO (`hpo show`), the validation alone
# (`validate`), and the full import into a fresh SQLite registry. Unlike wall times, which vary
# by a quarter on a shared 2-core machine, the counts repeat to within a few hundred thousand,
# so two commits can be compared on a busy machine:
#
#   bash bench/instructions.sh                      # the release build of the working tree
#   bash bench/instructions.sh old/casebook new/casebook
#
# Under valgrind the SHA-256 of every record runs in software (valgrind does not offer the
# CPU's SHA instructions), which adds about 0.55 G instructions to the import of the store
# files; on the CPU itself hashing is about 2 % of the import's time. Counts say nothing about
# waiting, memory zeroed by the kernel or the use of both cores: report times from
# bench/phenopackets.sh, and use this to see whether a change does less work.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
store=$(realpath ../shared/data/phenopacket-store)
if [ "$#" -eq 0 ]; then
  cargo build --release -q -p casebook
  set -- "${CARGO_TARGET_DIR:-target}/release/casebook"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/study"
printf 'id = "bench"\ntitle = "Instruction counts"\n\n[[centers]]\nid = "bench"\nname = "benchmark"\ncountry = "XX"\n' > "$work/study/study.toml"

count() { # command... -> millions of instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 > /dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | awk '{ printf "%.0f", $1 / 1e6 }'
}

printf '| binary | hpo show (M) | validate store (M) | import store (M) |\n|---|---:|---:|---:|\n'
for casebook in "$@"; do
  rm -f "$work"/registry.db*
  "$casebook" import "$work/study" --database "sqlite://$work/registry.db" > /dev/null
  hpo=$(count "$casebook" hpo show HP:0001945)
  # `validate` exits 1 when it finds errors; the published files have a few.
  validate=$(count "$casebook" validate "$store" || true)
  import=$(count "$casebook" import "$store" --study bench --database "sqlite://$work/registry.db")
  printf '| %s | %s | %s | %s |\n' "$casebook" "$hpo" "$validate" "$import"
done
