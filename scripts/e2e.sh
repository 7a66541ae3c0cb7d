#!/usr/bin/env bash
# The browser end-to-end tests (e2e/README.md): installs what a fresh Debian machine lacks
# (Debian's chromium, the two npm packages), builds the casebook binary and runs every test in
# e2e/ with Node's test runner against Debian's chromium. A missing browser is an error, never
# a skip.
#
#   bash scripts/e2e.sh                                   # everything
#   bash scripts/e2e.sh e2e/walkthrough.test.mjs          # one file
#   CHROMIUM_PATH=/usr/lib/chromium/chromium bash scripts/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export CHROMIUM_PATH

log "chromium"
if [ ! -x "$CHROMIUM_PATH" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "scripts/e2e.sh: chromium is missing at $CHROMIUM_PATH, and installing it did not help" >&2
  exit 1
fi
# Debian's wrapper script prints a shell warning on some machines; the version line is what counts.
"$CHROMIUM_PATH" --version 2>/dev/null | grep -i chromium

log "node packages (playwright-core without a browser download, axe-core)"
node --version
(cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)

log "casebook binary"
cargo build -p casebook
export CASEBOOK_BIN="${CASEBOOK_BIN:-$PWD/target/debug/casebook}"

log "browser tests"
if [ "$#" -gt 0 ]; then
  node --test "$@"
else
  node --test e2e/
fi
