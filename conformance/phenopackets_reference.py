#!/usr/bin/env python3
"""The Python reference for Casebook's Phenopacket v2 JSON layer.

The reference is the GA4GH `phenopackets` package (PyPI 2.0.2.post5: the protobuf bindings of
the schema) read and written with `google.protobuf.json_format`, the protobuf proto3 JSON mapping
itself. See conformance/README.md.

Two modes:

  phenopackets_reference.py INPUT_DIR OUTPUT_DIR
      Parses every *.json file under INPUT_DIR (recursively) strictly, as a Phenopacket, a Family
      or a Cohort (tried in that order; unknown fields are errors, so a Family or Cohort document
      never passes as a Phenopacket), and writes its canonical proto3 JSON to OUTPUT_DIR under the
      same relative path. Canonical means what `json_format.MessageToJson` prints with its
      defaults: lowerCamelCase keys, fields at their default value left out, 64-bit integers as
      strings, enums by name, 2-space indent. Exits 1 if any file fails to parse.

  phenopackets_reference.py --check DIR
      Parses every *.json file under DIR strictly and names each one that fails. Exits 1 if any
      fails: use it on files Casebook wrote to show that the reference reads them.
"""

import argparse
import pathlib
import sys

from google.protobuf import json_format
from phenopackets.schema.v2 import phenopackets_pb2

# Tried in this order; the first that parses strictly wins.
MESSAGE_TYPES = (phenopackets_pb2.Phenopacket, phenopackets_pb2.Family, phenopackets_pb2.Cohort)


def parse_strictly(text):
    """Returns the message the text holds, or raises ParseError with every type's complaint."""
    complaints = []
    for message_type in MESSAGE_TYPES:
        try:
            return json_format.Parse(text, message_type(), ignore_unknown_fields=False)
        except json_format.ParseError as error:
            complaints.append(f"as {message_type.DESCRIPTOR.name}: {error}")
    raise json_format.ParseError("; ".join(complaints))


def canonical_json(message):
    # These are MessageToJson's defaults, spelled out because they are what makes the output the
    # canonical proto3 JSON: no default values (always_print_fields_with_no_presence=False), JSON
    # names (preserving_proto_field_name=False), enum names, and int64/uint64 as strings (always,
    # there is no option). ensure_ascii=False keeps non-ASCII text readable; it changes no value.
    return json_format.MessageToJson(
        message,
        indent=2,
        preserving_proto_field_name=False,
        use_integers_for_enums=False,
        always_print_fields_with_no_presence=False,
        ensure_ascii=False,
    )


def json_files(folder):
    return sorted(path for path in folder.rglob("*.json") if path.is_file())


def generate(input_dir, output_dir):
    files = json_files(input_dir)
    failures = 0
    for path in files:
        relative = path.relative_to(input_dir)
        try:
            message = parse_strictly(path.read_text(encoding="utf-8"))
        except (json_format.ParseError, UnicodeDecodeError) as error:
            failures += 1
            print(f"FAIL {relative}: {error}", file=sys.stderr)
            continue
        target = output_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(canonical_json(message) + "\n", encoding="utf-8")
    print(f"{len(files) - failures} of {len(files)} files written to {output_dir}, {failures} failed")
    return 1 if failures or not files else 0


def check(folder):
    files = json_files(folder)
    failures = 0
    for path in files:
        try:
            parse_strictly(path.read_text(encoding="utf-8"))
        except (json_format.ParseError, UnicodeDecodeError) as error:
            failures += 1
            print(f"FAIL {path}: {error}", file=sys.stderr)
    print(f"{len(files) - failures} of {len(files)} files parse with phenopackets, {failures} failed")
    if not files:
        print(f"no *.json file under {folder}", file=sys.stderr)
    return 1 if failures or not files else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", metavar="DIR", type=pathlib.Path, help="only check that every file under DIR parses")
    parser.add_argument("input_dir", nargs="?", type=pathlib.Path, help="folder of Phenopacket JSON files")
    parser.add_argument("output_dir", nargs="?", type=pathlib.Path, help="folder for the canonical output")
    args = parser.parse_args()
    if args.check is not None:
        if args.input_dir is not None:
            parser.error("--check takes one folder and no other argument")
        if not args.check.is_dir():
            parser.error(f"{args.check} is not a folder")
        return check(args.check)
    if args.input_dir is None or args.output_dir is None:
        parser.error("give INPUT_DIR and OUTPUT_DIR, or --check DIR")
    if not args.input_dir.is_dir():
        parser.error(f"{args.input_dir} is not a folder")
    return generate(args.input_dir, args.output_dir)


if __name__ == "__main__":
    sys.exit(main())
