#!/usr/bin/env python3
"""An independent check of Casebook's FHIR export, with the `fhir.resources` model classes.

    validate_bundle.py FILE

Parses FILE as a FHIR Bundle with the Bundle model, then every entry's resource on its own with
the model class of its resourceType (the models refuse unknown elements, missing required
elements, two choices of one choice element and malformed primitives such as ids and partial
dates). Then it checks what the models leave out, for the elements Casebook writes: codes bound
to a required value set, ids of at most 64 characters, unique fullUrls, and that every
`urn:uuid:` reference names an entry of the bundle.

Exits 0 when all is valid, 1 naming each invalid resource (entry index, resourceType, id) with
the pydantic error or the failed check, 2 when FILE cannot be read as JSON.

Which FHIR release: no version of `fhir.resources` has an R4 (4.0.1) sub-package. Its top-level
package was R4 up to 6.4.0 (pydantic 1 only), R4B (4.3.0) in 6.5.0, and R5 from 7.0.0, with R4B
kept as `fhir.resources.R4B`. requirements.txt pins 8.3.0 (pydantic 2), and this script uses its
R4B models: R4B changed none of the resources Casebook writes (Bundle, Organization, Patient,
Condition, Observation, MedicationStatement, AdverseEvent, Procedure). Where the installed
top-level package is R4 4.0.1 itself (fhir.resources 6.4.0 with pydantic<2, e.g. in a separate
virtual environment), the script uses that instead and says so.

Install: pip install -r conformance/fhir/requirements.txt
"""

import collections
import json
import sys

# Codes bound to a required value set in R4, for the elements Casebook writes. The models check
# only that a code is a well-formed token.
REQUIRED_CODES = {
    ("Bundle", "type"): {"document", "message", "transaction", "transaction-response", "batch", "batch-response", "history", "searchset", "collection"},
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("Observation", "status"): {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
    ("MedicationStatement", "status"): {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"},
    ("Procedure", "status"): {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown"},
    ("AdverseEvent", "actuality"): {"actual", "potential"},
}
# CodeableConcepts bound to a required value set: (resourceType, element) -> (system, codes).
REQUIRED_CONCEPTS = {
    ("Condition", "verificationStatus"): (
        "http://terminology.hl7.org/CodeSystem/condition-ver-status",
        {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"},
    ),
    ("AdverseEvent", "severity"): ("http://terminology.hl7.org/CodeSystem/adverse-event-severity", {"mild", "moderate", "severe"}),
    ("AdverseEvent", "outcome"): (
        "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
        {"resolved", "recovering", "ongoing", "resolvedWithSequelae", "fatal", "unknown"},
    ),
}
UNITS_OF_TIME = {"s", "min", "h", "d", "wk", "mo", "a"}


def load_models():
    """Returns (model class lookup, description of the models used)."""
    import fhir.resources

    if getattr(fhir.resources, "__fhir_version__", None) == "4.0.1":
        from fhir.resources import get_fhir_model_class

        release = "R4 4.0.1 (top-level package)"
    else:
        from fhir.resources import R4B
        from fhir.resources.R4B import get_fhir_model_class

        release = f"R4B {R4B.__fhir_version__} (fhir.resources.R4B)"
    return get_fhir_model_class, f"fhir.resources {fhir.resources.__version__}, {release}"


def parse(model_class, data):
    """Validates data with a model class under pydantic 2 (model_validate) or 1 (parse_obj)."""
    validate = getattr(model_class, "model_validate", None) or model_class.parse_obj
    return validate(data)


def code_problems(resource):
    """The required-binding codes and id length of one resource that are wrong."""
    problems = []
    kind = resource.get("resourceType")
    identifier = resource.get("id")
    if identifier is not None and len(identifier) > 64:
        problems.append(f"id is {len(identifier)} characters long; FHIR allows 64")
    for (resource_type, element), allowed in REQUIRED_CODES.items():
        if kind == resource_type and element in resource and resource[element] not in allowed:
            problems.append(f"{element} `{resource[element]}` is not one of {sorted(allowed)}")
    for (resource_type, element), (system, allowed) in REQUIRED_CONCEPTS.items():
        if kind == resource_type and element in resource:
            codes = [c.get("code") for c in resource[element].get("coding", []) if c.get("system") == system]
            if not codes or any(code not in allowed for code in codes):
                problems.append(f"{element} needs a {system} code from {sorted(allowed)}; has {codes}")
    for index, dosage in enumerate(resource.get("dosage", [])):
        unit = dosage.get("timing", {}).get("repeat", {}).get("periodUnit")
        if unit is not None and unit not in UNITS_OF_TIME:
            problems.append(f"dosage[{index}].timing.repeat.periodUnit `{unit}` is not one of {sorted(UNITS_OF_TIME)}")
    return problems


def references(value):
    """Every Reference.reference string anywhere inside a JSON value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def validate(bundle, get_model_class):
    """Returns the problems of a bundle, each naming its resource, and the count of each type."""
    problems = []
    try:
        parse(get_model_class("Bundle"), bundle)
    except Exception as error:  # pydantic's ValidationError, or a lookup error for the type
        problems.append(f"Bundle {bundle.get('id')}: {error}")
    problems.extend(f"Bundle {bundle.get('id')}: {problem}" for problem in code_problems(bundle))

    entries = bundle.get("entry", [])
    full_urls = collections.Counter(entry.get("fullUrl") for entry in entries)
    problems.extend(f"fullUrl {url} is used by {count} entries" for url, count in full_urls.items() if count > 1)
    counts = collections.Counter()
    for index, entry in enumerate(entries):
        resource = entry.get("resource", {})
        kind = resource.get("resourceType", "(no resourceType)")
        name = f"entry[{index}] {kind}/{resource.get('id')}"
        counts[kind] += 1
        try:
            parse(get_model_class(kind), resource)
        except Exception as error:
            problems.append(f"{name}: {error}")
        problems.extend(f"{name}: {problem}" for problem in code_problems(resource))
        for target in references(resource):
            if target.startswith("urn:uuid:") and target not in full_urls:
                problems.append(f"{name}: reference {target} names no entry of the bundle")
    return problems, counts


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as file:
            bundle = json.load(file)
    except (OSError, ValueError) as error:
        print(f"cannot read {argv[1]} as JSON: {error}", file=sys.stderr)
        return 2
    get_model_class, models = load_models()
    problems, counts = validate(bundle, get_model_class)
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    if problems:
        print(f"{argv[1]}: {len(problems)} problem(s) found with {models}:", file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: valid with {models}: Bundle of {sum(counts.values())} resources ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
