#!/usr/bin/env python3
"""Times the Python reference on a folder of Phenopacket JSON files.

  time_reference.py DIR

Reads every *.json file under DIR into memory first, then times `json_format.Parse` (strict, as
in phenopackets_reference.py) over all of them, and separately the canonical print
(`MessageToJson`). File reading is left out of both, as in Casebook's `parse_store` example.
"""

import pathlib
import sys
import time

from google.protobuf import json_format
from google.protobuf.internal import api_implementation

from phenopackets_reference import canonical_json, json_files, parse_strictly


def main():
    if len(sys.argv) != 2 or not pathlib.Path(sys.argv[1]).is_dir():
        print("usage: time_reference.py DIR", file=sys.stderr)
        return 2
    texts = [path.read_text(encoding="utf-8") for path in json_files(pathlib.Path(sys.argv[1]))]
    start = time.perf_counter()
    messages = [parse_strictly(text) for text in texts]
    parsed = time.perf_counter()
    for message in messages:
        canonical_json(message)
    printed = time.perf_counter()
    print(f"protobuf backend: {api_implementation.Type()}")
    print(f"{len(texts)} files, {sum(map(len, texts)) / 1e6:.1f} MB")
    print(f"parse: {parsed - start:.3f} s")
    print(f"print: {printed - parsed:.3f} s")
    print(f"parse+print: {printed - start:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
