"""How long ``pcs --help`` takes, as a ratio of ``python -c "import click"`` (the floor a click
CLI cannot beat), both measured in this run, best of several; the target is 3x.

    .venv/bin/python benchmarks/bench_cli_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time

TARGET = 3.0


def best(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def measure(repeat: int = 15) -> tuple[float, float]:
    """(floor, pcs --help) in seconds, interleaved so load changes hit both alike."""
    pcs = shutil.which("pcs", path=str(__import__("pathlib").Path(sys.executable).parent))
    if pcs is None:
        raise SystemExit("pcs is not installed beside this python: pip install -e .")
    floors, helps = [], []
    for _ in range(3):
        floors.append(best([sys.executable, "-c", "import click"], repeat // 3 or 1))
        helps.append(best([pcs, "--help"], repeat // 3 or 1))
    return min(floors), min(helps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    floor, pcs_help = measure(args.repeat)
    ratio = pcs_help / floor
    verdict = "ok" if ratio <= TARGET else "over"
    print(
        f"pcs --help: {pcs_help * 1000:.0f} ms; floor (import click): {floor * 1000:.0f} ms; "
        f"{ratio:.2f}x (target {TARGET:.0f}x, {verdict})"
    )


if __name__ == "__main__":
    main()
