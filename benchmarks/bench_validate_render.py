"""Benchmark: `pcs validate` and `pcs render` on N synthetic requests, as ratios of a floor.

The floor is reading and YAML-parsing every record file with PyYAML's C loader in a fresh
process, measured in the same run on the same machine (absolute times mean little here).
Usage: python benchmarks/bench_validate_render.py [--tasks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = r"""
import os, sys, yaml
L = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for root, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        if f.endswith((".yaml", ".yml")):
            with open(os.path.join(root, f), "rb") as fh:
                yaml.load(fh, Loader=L)
"""


def best(argv: list[str], repeat: int) -> float:
    fastest = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pcs = str(Path(sys.executable).with_name("pcs"))
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        print(f"generating {args.tasks} requests ...", file=sys.stderr)
        subprocess.run([pcs, "init", str(repo)], check=True, capture_output=True)
        subprocess.run(
            [pcs, "--repo", str(repo), "bench", "generate", "--tasks", str(args.tasks)],
            check=True,
            capture_output=True,
        )
        subprocess.run([pcs, "--repo", str(repo), "render"], check=True, capture_output=True)
        files = sum(1 for _ in (repo / "state").rglob("*.yaml"))
        floor = best([sys.executable, "-c", FLOOR, str(repo / "state")], args.repeat)
        validate = best([pcs, "--repo", str(repo), "validate"], args.repeat)
        render = best([pcs, "--repo", str(repo), "render"], args.repeat)
    print(f"{args.tasks} requests, {files} record files; floor {floor:.2f}s")
    print(f"validate: {validate:.2f}s = {validate / floor:.2f}x floor (target <= 2.5x, aim 1.5x)")
    print(f"render:   {render:.2f}s = {render / floor:.2f}x floor (target <= 2.5x, aim 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
