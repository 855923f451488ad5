"""Benchmark: `pcs validate` and `pcs render` on N synthetic requests, as ratios of a floor.

The floor is reading and YAML-parsing every record file with PyYAML's C loader in a fresh
process, measured in the same run on the same machine (absolute times mean little here). The
rows are those of ``bench_scale.py`` (which measures every row of the scale issue).
Usage: python benchmarks/bench_validate_render.py [--tasks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_scale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = ["--rows", "validate,render,json"]
    return bench_scale.main(["--tasks", str(args.tasks), "--repeat", str(args.repeat), *rows])


if __name__ == "__main__":
    raise SystemExit(main())
