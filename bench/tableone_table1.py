"""The peer for the report benchmark: Table 1 of the same synthetic cohort with the Python
package tableone (PyPI), from the one-row-per-patient CSV the Casebook benchmark writes.

Usage: python3 bench/tableone_table1.py PATIENTS_CSV
Prints the time to read the CSV and build Table 1, and the peak resident memory.
"""

import resource
import sys
import time

import pandas as pd
from tableone import TableOne

started = time.perf_counter()
data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).replace("", None)
columns = ["center", "sex", "zhu_severe", "eczema", "inflammatory_cutaneous", "arthritis", "ibd", "fever", "gene_therapy", "hsct"]
table = TableOne(data, columns=columns, categorical=columns, missing=True)
text = table.tabulate(tablefmt="github")
elapsed = time.perf_counter() - started
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"patients={len(data)} tableone_s={elapsed:.3f} peak_rss_mib={peak_mib:.0f} rows={len(text.splitlines())}")
