"""Two builds of Casebook importing the same phenopackets, in turns: how a change shows in time
when the machine's speed drifts by more than the change. Each run imports into a fresh SQLite
registry, with the input files read just before (as the Python reference's timing reads them
before its clock starts); wall time from this process's clock, CPU (user plus system) from the
children's resource usage. Prints the best and median wall time and the median CPU per build.

    python3 bench/imports_in_turns.py RUNS FOLDER OLD_CASEBOOK NEW_CASEBOOK [...]

BENCHMARKS.md gives what it printed; bench/phenopackets.sh compares with the Python parse.
"""

import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

STUDY = 'id = "bench"\ntitle = "Import benchmark"\n\n[[centers]]\nid = "bench"\nname = "benchmark"\ncountry = "XX"\n'


def run_once(casebook, folder, files, work):
    registry = work / "registry.db"
    for stale in work.glob("registry.db*"):
        stale.unlink()
    subprocess.run([casebook, "import", str(work / "study"), "--database", f"sqlite://{registry}"], stdout=subprocess.DEVNULL, check=True)
    for file in files:
        file.read_bytes()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([casebook, "import", str(folder), "--study", "bench", "--database", f"sqlite://{registry}"], stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    runs, folder, builds = int(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
    files = sorted(folder.rglob("*.json"))
    results = {build: [] for build in builds}
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        (work / "study").mkdir()
        (work / "study" / "study.toml").write_text(STUDY)
        for _ in range(runs):
            for build in builds:
                results[build].append(run_once(build, folder, files, work))
    print(f"{len(files)} files, {runs} runs each, in turns")
    for build, measured in results.items():
        walls = [wall for wall, _ in measured]
        cpu = statistics.median(cpu for _, cpu in measured)
        print(f"{build}: wall best {min(walls) * 1000:.1f} ms, median {statistics.median(walls) * 1000:.1f} ms; CPU median {cpu * 1000:.0f} ms")


if __name__ == "__main__":
    main()
