"""Benchmark: `pcs catalog import` of a big catalogue, as a ratio of a floor, with its peak RSS.

The catalogue is built as /work/shared/checks/scale-ratio builds it: the rows of the real
epic-prod file repeated, each with its own dataset path and issue number. The floor, in a fresh
process in the same run: parse that CSV with the stdlib ``csv`` module and write as many YAML
files (one dump of a row per file, PyYAML's C dumper) as the import wrote record files; a second
floor writes as many files as the import wrote in all (records plus derived pages and JSON).
Absolute times mean little on a shared machine; the ratios do.

Usage: python benchmarks/bench_import.py [--rows 20000] [--repeat 1]
Library use: ``measure_import(rows, repeat)`` returns the figures as a dict.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REAL_CATALOG = ROOT / "tests" / "data" / "epic-prod" / "datasets.csv"
TARGET_RATIO = 1.5
TARGET_RSS_MB = 300

# Runs a command as a child and prints its exit code, wall time and peak RSS (MB).
MEASURE = r"""
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
print(done.returncode, elapsed, peak)
"""

FLOOR = r"""
import csv, os, sys, yaml
source, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
with open(source, newline="", encoding="utf-8") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    rows = [dict(zip(header, row)) for row in reader]
os.makedirs(target)
for index in range(count):
    text = yaml.dump(rows[index % len(rows)], Dumper=dumper, sort_keys=False, allow_unicode=True)
    with open(os.path.join(target, f"{index}.yaml"), "w", encoding="utf-8") as out:
        out.write(text)
"""


def build_catalogue(path: Path, rows: int) -> None:
    """The real catalogue's rows repeated to ``rows``, each with its own path and issue."""
    with REAL_CATALOG.open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    header, body = records[0], [r for r in records[1:] if any(c.strip() for c in r)]
    path_at, issue_at = header.index("Dataset Path"), header.index("Issue")
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for index in range(rows):
            row = list(body[index % len(body)])
            row[path_at] = row[path_at].rstrip("/") + f"/s{index}"
            row[issue_at] = str(100_000 + index)
            writer.writerow(row)


def _measure(argv: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one run of ``argv`` as a child process."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, check=True
    )
    code, elapsed, peak = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"{' '.join(argv[:4])} ... failed: {done.stderr.strip()[-500:]}")
    return float(elapsed), float(peak)


def _count_files(root: Path) -> tuple[int, int]:
    """(record files under state/, every other file the import writes under docs/)."""
    records = sum(len(files) for _, _, files in os.walk(root / "state"))
    derived = sum(len(files) for _, _, files in os.walk(root / "docs"))
    return records, derived


def _import_once(tmp: Path, source: Path, run: int) -> tuple[float, float, int, int]:
    pcs = str(Path(sys.executable).with_name("pcs"))
    repo = tmp / f"repo{run}"
    subprocess.run([pcs, "init", str(repo)], check=True, capture_output=True)
    before = _count_files(repo)
    seconds, rss = _measure([pcs, "--repo", str(repo), "catalog", "import", str(source)])
    after = _count_files(repo)
    return seconds, rss, after[0] - before[0], after[1] - before[1]


def _floor(tmp: Path, source: Path, files: int, run: int) -> float:
    target = tmp / f"floor{run}-{files}"
    return _measure([sys.executable, "-c", FLOOR, str(source), str(target), str(files)])[0]


def measure_import(rows: int = 20_000, repeat: int = 1) -> dict[str, Any]:
    """Import ``rows`` rows ``repeat`` times (best time, highest RSS) against both floors."""
    with tempfile.TemporaryDirectory(prefix="pcs-bench-import-") as name:
        tmp = Path(name)
        source = tmp / "catalogue.csv"
        build_catalogue(source, rows)
        best = float("inf")
        peak = 0.0
        floor_records = floor_all = float("inf")
        records = derived = 0
        for run in range(repeat):
            seconds, rss, records, derived = _import_once(tmp, source, run)
            best, peak = min(best, seconds), max(peak, rss)
            floor_records = min(floor_records, _floor(tmp, source, records, run))
            floor_all = min(floor_all, _floor(tmp, source, records + derived, run))
    return {
        "rows": rows,
        "record_files": records,
        "derived_files": derived,
        "import_s": best,
        "import_rss_mb": peak,
        "floor_records_s": floor_records,
        "floor_all_files_s": floor_all,
        "ratio_records": best / floor_records,
        "ratio_all_files": best / floor_all,
    }


def report(figures: dict[str, Any]) -> str:
    f = figures
    return "\n".join(
        [
            f"catalog import of {f['rows']} rows: {f['import_s']:.1f}s, peak RSS "
            f"{f['import_rss_mb']:.0f} MB (target {TARGET_RSS_MB} MB); wrote "
            f"{f['record_files']} record files and {f['derived_files']} derived files",
            f"  floor, csv parse + {f['record_files']} YAML files: {f['floor_records_s']:.1f}s "
            f"-> {f['ratio_records']:.2f}x (target {TARGET_RATIO}x)",
            f"  floor, csv parse + {f['record_files'] + f['derived_files']} YAML files (every "
            f"file the import writes): {f['floor_all_files_s']:.1f}s -> "
            f"{f['ratio_all_files']:.2f}x",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(report(measure_import(args.rows, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
