"""Writes N synthetic phenopackets for the import benchmark: copies of the phenopacket-store
cases, cycled, each under a new id (SYN-0000001, ...), into one folder.

Usage: python3 bench/synthetic_phenopackets.py STORE_DIR N OUT_DIR
"""

import json
import pathlib
import sys

store, n, out = pathlib.Path(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
cases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(store.rglob("*.json"))]
for i in range(n):
    case = dict(cases[i % len(cases)])
    case["id"] = f"SYN-{i:07d}"
    (out / f"{case['id']}.json").write_text(json.dumps(case), encoding="utf-8")
print(f"wrote {n} phenopackets to {out}")
