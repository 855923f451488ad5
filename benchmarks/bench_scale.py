"""Benchmark: the cost of pcs at scale (10,000 requests by default), every row as a figure or a
ratio against a floor measured in the same run on the same machine.

Floors (each a fresh Python process, like the command it is compared with):

- YAML floor: read every record file under state/ and parse it with PyYAML's C loader;
- import floor: parse the catalogue CSV and write its records (the same records, dumped with
  PyYAML's C dumper);
- write floor: create the generated files a command creates (their bytes given). A first full
  render and an import create tens of thousands of files: their rows print a ratio against the
  YAML or import floor alone (how #14 measured its baseline) and one against that floor plus
  the write floor (an import writes its records and, in a checkout, every derived file of them:
  120,150 at 20,000 rows). The target is to hold for both.

Rows: ``pcs validate`` (without and with the local caches in .pcs/), ``pcs render`` (steady
state, and the first full write: no generated file, no render cache), one ``issues opened``
event end to end (``pcs gh handle --offline``), the refresh of the open request pull requests
after a push to main (time per stale pull request, for two numbers of open ones), ``pcs catalog
import`` of 20,000 rows, the peak RSS of each, the largest JSON file of the API, and the bytes a
request event adds to the repository (the thin pack a push sends, and the growth of the packed
repository after ``git gc``).

Nothing is deleted between measurements: a tree a row is done with is moved aside and deleted
when the benchmark ends. On a journal-less ext4 (these machines) the inode allocator skips the
inodes freed in the last minutes, one inode-table lookup each, so creating files right after
deleting a big tree costs up to twice as much; whichever command came next paid for the one
before (the first full write measured 2.9x one run, 6.9x the next). For the same reason every
measured command starts after a ``sync``: the files the one before it wrote are on disk, not
written back by the kernel while it runs (a first full write took 7.7 s alone, 10.2 s right
after the write floor created its 60,080 files). Leave a few minutes after deleting a big tree
(a test run) before running this, and run nothing else meanwhile.

Usage: python benchmarks/bench_scale.py [--tasks 10000] [--repeat 3] [--rows validate,render,...]
Prints the table (Markdown) on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "dataset_request.yml"
REAL_CATALOG = ROOT / "docs" / "_data" / "datasets.csv"
ROWS = ("validate", "render", "event", "refresh", "import", "json", "growth")
GENERATED = ("docs/api", "docs/catalog", "docs/requests")
IDENTITY = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}
YAML_FLOOR = r"""
import os, sys, yaml
L = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for root, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        if f.endswith((".yaml", ".yml")):
            with open(os.path.join(root, f), "rb") as fh:
                yaml.load(fh, Loader=L)
"""
IMPORT_FLOOR = r"""
import csv, marshal, os, sys, yaml
D = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = list(csv.reader(fh))
with open(sys.argv[2], "rb") as fh:
    records = marshal.load(fh)
out = sys.argv[3]
for i, data in enumerate(records):
    sub = os.path.join(out, str(i % 64))
    os.makedirs(sub, exist_ok=True)
    text = yaml.dump(data, Dumper=D, sort_keys=False, allow_unicode=True, width=10000)
    with open(os.path.join(sub, f"{i}.yaml"), "w", encoding="utf-8") as fh:
        fh.write(text)
"""
WRITE_FLOOR = r"""
import marshal, os, sys
with open(sys.argv[1], "rb") as fh:
    files = marshal.load(fh)
for relpath, content in files.items():
    target = os.path.join(sys.argv[2], relpath)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "xb") as fh:
        fh.write(content)
"""
# Run a command; print its exit code, wall time and the peak RSS (MB) of its process tree's
# largest process (what RUSAGE_CHILDREN reports).
MEASURE = (
    "import resource,subprocess,sys,time;s=time.perf_counter();"
    "p=subprocess.run(sys.argv[1:],capture_output=True);e=time.perf_counter()-s;"
    "print(p.returncode,e,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024);"
    "sys.stderr.write(p.stderr.decode(errors='replace')[-2000:])"
)
ISSUE_BODY = """### DSC or PWG

Inclusive

### Dataset Path

/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10/bench{n}

### Generator/Dataset Version

https://github.com/eic/pythia8/releases/tag/v8.310

### Number of Events

1M

### Background

No

### New Request

Yes

### Pre-TDR Use

Yes

### Early Science Use

Maybe

### Other Use

No

### Description

Benchmark request {n}.

### Priority

2 (Medium)
"""


@dataclass
class Run:
    seconds: float
    rss_mb: float


@dataclass
class Row:
    what: str
    figure: str
    ratio: str
    target: str
    floor_s: float = 0.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    # Whatever the command before wrote is written back to disk first: left dirty, the
    # kernel's flusher writes it back while this command runs (a first full write measured
    # 7.7 s alone, 10.2 s right after the write floor's 60,080 files).
    os.sync()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=False,
    )
    code, seconds, rss = done.stdout.split()
    if int(code):
        raise SystemExit(f"{' '.join(argv[:4])} ... failed:\n{done.stderr}")
    return Run(float(seconds), float(rss))


def best(
    argv: list[str], repeat: int, before: Callable[[], None] | None = None, **kw: object
) -> Run:
    """The fastest of ``repeat`` runs, and the highest peak RSS among them."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure(argv, **kw))  # type: ignore[arg-type]
    return Run(min(r.seconds for r in runs), max(r.rss_mb for r in runs))


def paired(
    argv: list[str], floor: list[str], repeat: int, before: Callable[[], None] | None = None
) -> tuple[Run, float]:
    """The fastest of ``repeat`` runs of ``argv`` and of ``floor``, run in turns so that both
    see the same load on a shared machine."""
    runs, floors = [], []
    for _ in range(repeat):
        floors.append(measure(floor).seconds)
        if before is not None:
            before()
        runs.append(measure(argv))
    return Run(min(r.seconds for r in runs), max(r.rss_mb for r in runs)), min(floors)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **IDENTITY}
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


class Bench:
    def __init__(self, tmp: Path, tasks: int, repeat: int) -> None:
        self.tmp = tmp
        self.tasks = tasks
        self.repeat = repeat
        self.pcs = str(Path(sys.executable).with_name("pcs"))
        self.repo = tmp / "repo"
        self.rows: list[Row] = []
        self.rss: dict[str, float] = {}
        self._issue = 900_000
        self._committed = False
        self._discarded = 0

    def discard(self, path: Path) -> None:
        """Move ``path`` out of the way, to be deleted when the benchmark ends (see the module
        docstring: a deletion slows down the file creation that follows it)."""
        if not path.exists():
            return
        trash = self.tmp / "trash"
        trash.mkdir(exist_ok=True)
        self._discarded += 1
        path.rename(trash / str(self._discarded))

    def run_pcs(self, *args: str) -> str:
        done = subprocess.run(
            [self.pcs, "--repo", str(self.repo), *args],
            capture_output=True,
            text=True,
            env={**os.environ, **IDENTITY},
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"pcs {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    # -- setup ------------------------------------------------------------------------------
    def generate(self) -> None:
        log(f"generating {self.tasks} requests ...")
        subprocess.run([self.pcs, "init", str(self.repo)], check=True, capture_output=True)
        self.run_pcs("bench", "generate", "--tasks", str(self.tasks))
        form = self.repo / ".github" / "ISSUE_TEMPLATE" / "dataset_request.yml"
        if not form.exists():
            form.parent.mkdir(parents=True)
            shutil.copy(FORM, form)

    @property
    def floor_argv(self) -> list[str]:
        return [sys.executable, "-c", YAML_FLOOR, str(self.repo / "state")]

    def against_floor(
        self, what: str, argv: list[str], target: str, before: Callable[[], None] | None = None
    ) -> Run:
        """Measure ``argv`` in turns with the YAML floor and add its row."""
        run, floor = paired(argv, self.floor_argv, self.repeat, before)
        self.ratio_row(what, run, target, floor)
        return run

    def ratio_row(self, what: str, run: Run, target: str, floor: float) -> None:
        self.rows.append(
            Row(
                what,
                f"{run.seconds:.2f} s (floor {floor:.2f} s)",
                f"{run.seconds / floor:.2f}x",
                target,
                floor,
            )
        )

    def clear_caches(self) -> None:
        self.discard(self.repo / ".pcs")

    # -- validate and render ----------------------------------------------------------------
    def bench_validate(self) -> None:
        log("validate ...")
        argv = [self.pcs, "--repo", str(self.repo), "validate"]
        cold = self.against_floor(
            "`pcs validate`, fresh checkout (no .pcs/ caches)", argv, "<= 1.5x", self.clear_caches
        )
        warm = self.against_floor("`pcs validate`, steady state", argv, "<= 1.5x")
        self.rss["validate"] = max(cold.rss_mb, warm.rss_mb)

    def wipe_site(self) -> None:
        for directory in GENERATED:
            self.discard(self.repo / directory)
        for name in ("render-cache", "site-listing"):
            (self.repo / ".pcs" / name).unlink(missing_ok=True)

    def bench_render(self) -> None:
        log("render ...")
        argv = [self.pcs, "--repo", str(self.repo), "render"]
        self.run_pcs("render")
        steady = self.against_floor("`pcs render`, steady state", argv, "<= 1.5x")
        check = self.against_floor(
            "`pcs render --check`, steady state", [*argv, "--check"], "<= 1.5x"
        )
        site = self.tmp / "site.marshal"
        count = save_site(self.repo, site)
        # A first write must create its files: the honest floor is reading the records plus
        # creating the same files (the write floor). Both floors are measured in turns with
        # each run (the time to create files varies a lot on a shared machine); both ratios
        # are printed.
        runs, floors, writes = [], [], []
        for _ in range(self.repeat):
            floors.append(measure(self.floor_argv).seconds)
            writes.append(self.write_floor(site, "site"))
            self.wipe_site()
            runs.append(measure(argv))
        site.unlink()
        first = Run(min(r.seconds for r in runs), max(r.rss_mb for r in runs))
        floor, write_floor = min(floors), min(writes)
        self.rows.append(
            Row(
                "`pcs render`, first full write (no generated files)",
                f"{first.seconds:.2f} s (YAML floor {floor:.2f} s; write floor {write_floor:.2f} s:"
                f" creating its {count} files)",
                f"{first.seconds / floor:.2f}x of the YAML floor; "
                f"{first.seconds / (floor + write_floor):.2f}x of YAML + write floors",
                "<= 2x (both ratios)",
                floor,
            )
        )
        self.rss["render"] = max(steady.rss_mb, first.rss_mb, check.rss_mb)

    def write_floor(self, files: Path, name: str) -> float:
        """Seconds to create the files marshalled in ``files`` (``save_site``) from memory."""
        out = self.tmp / f"{name}-write-floor"
        run = measure([sys.executable, "-c", WRITE_FLOOR, str(files), str(out)])
        self.discard(out)
        return run.seconds

    # -- the request pipeline ---------------------------------------------------------------
    def commit_all(self) -> None:
        """Main holds the generated catalogue, rendered (``pcs init`` made the repository and
        its first commit; the generated records are not in it yet)."""
        if self._committed:
            return
        log("rendering and committing the state to git ...")
        self.run_pcs("render")  # main carries its derived files, as a catalogue's does
        if not (self.repo / ".git").exists():
            git(self.repo, "init", "-q", "-b", "main")
        # no `git gc --auto` in the background after the big commit below, racing the rows
        # measured after it: the repository is packed here, as a runner's fresh clone is
        git(self.repo, "config", "gc.auto", "0")
        if git(self.repo, "status", "--porcelain"):
            git(self.repo, "add", "-A")
            git(self.repo, "commit", "-q", "-m", "Generated catalogue")
            git(self.repo, "gc", "-q")
        self._committed = True

    def event(self, name: str, payload: dict[str, object]) -> Run:
        path = self.tmp / f"event-{name}-{self._issue}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        argv = [self.pcs, "--repo", str(self.repo), "gh", "handle", "--offline"]
        argv += ["--event-name", name, "--event-path", str(path), "--json"]
        return measure(argv, env=IDENTITY)

    def opened(self) -> tuple[int, Run]:
        self._issue += 1
        number = self._issue
        user = {"login": "bench-requester", "id": 1, "type": "User"}
        issue = {
            "number": number,
            "title": f"[Dataset Request] bench {number}",
            "body": ISSUE_BODY.format(n=number),
            "state": "open",
            "user": user,
            "labels": [{"name": "dataset-request"}],
            "html_url": f"https://github.com/eic/epic-prod/issues/{number}",
            "author_association": "NONE",
        }
        repository = {"full_name": "eic/epic-prod", "default_branch": "main"}
        payload = {"action": "opened", "issue": issue, "repository": repository, "sender": user}
        return number, self.event("issues", payload)

    def bench_event(self) -> None:
        self.commit_all()
        runs, floors = [], []
        for _ in range(self.repeat):
            floors.append(measure(self.floor_argv).seconds)
            log("one 'issues opened' event ...")
            runs.append(self.opened()[1])
        run = Run(min(r.seconds for r in runs), max(r.rss_mb for r in runs))
        self.ratio_row(
            "one `issues opened` event end to end (`gh handle --offline`)",
            run,
            "<= 2x",
            min(floors),
        )
        self.rss["event"] = run.rss_mb

    def push_to_main(self, what: str = "comment") -> tuple[Run, dict[str, object]]:
        """Main moves, then its push event. ``comment``: the way it does all day (a comment on
        an unrelated request, committed), which meets no open request; ``schema``: a change of
        a JSON Schema (whitespace), which every open request meets (each is rebuilt)."""
        if what == "comment":
            tasks = self.repo / "state" / "prod_tasks"
            name = next(iter(sorted(p.stem for p in tasks.iterdir())))
            self.run_pcs("task", "comment", name, f"bench note {time.time()}")
        else:
            schema = self.repo / "schemas" / "tag.schema.json"
            schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", f"A {what} on main")
        return self.push_event()

    def push_event(self) -> tuple[Run, dict[str, object]]:
        """The push event of main as it is now, handled (measured; its JSON outcome)."""
        after = git(self.repo, "rev-parse", "HEAD")
        payload = {
            "ref": "refs/heads/main",
            "before": "0" * 40,
            "after": after,
            "repository": {"full_name": "eic/epic-prod", "default_branch": "main"},
            "sender": {"login": "bench-manager", "id": 2, "type": "User"},
        }
        path = self.tmp / f"event-push-{after}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        argv = [self.pcs, "--repo", str(self.repo), "gh", "handle", "--offline"]
        argv += ["--event-name", "push", "--event-path", str(path), "--json"]
        out = self.tmp / f"push-{after}.out"
        run = measure(["bash", "-c", f'"$0" "$@" > {out}', *argv], env=IDENTITY)
        return run, json.loads(out.read_text(encoding="utf-8"))

    def branch_heads(self) -> dict[str, str]:
        listing = git(self.repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads")
        return dict(line.split() for line in listing.splitlines() if "/pcs/request-" in line)

    def bench_refresh(self, counts: list[int]) -> None:
        """The push job's time with no open request, with ``counts`` open ones it does not
        meet (each is only compared), and with the last count all met (each rebuilt)."""
        self.commit_all()
        log("push to main with no open request pull request (a warm-up, then measured) ...")
        self.push_to_main()  # the first one fills the record and render caches of .pcs/
        fixed, _ = self.push_to_main()
        untouched: list[str] = []
        last = fixed
        for wanted in counts:
            while len(self.branch_heads()) < wanted:
                log("opening a request for the refresh ...")
                self.opened()
            before = self.branch_heads()  # at least ``wanted``: the event row leaves some
            log(f"push to main meeting none of {len(before)} open request pull requests ...")
            run, report = self.push_to_main()
            moved = sum(1 for b, head in self.branch_heads().items() if before.get(b) != head)
            per = (run.seconds - fixed.seconds) / len(before)
            last = run
            untouched.append(
                f"{len(before)} open: {run.seconds:.1f} s, {per:.2f} s per PR beyond the push's "
                f"own {fixed.seconds:.1f} s ({moved} rebuilt, {len(report['unaffected'])} "
                f"left alone, {run.rss_mb:.0f} MB)"
            )
        log(f"push to main that all {len(self.branch_heads())} open request PRs meet ...")
        before = self.branch_heads()
        run, report = self.push_to_main("schema")
        moved = sum(1 for b, head in self.branch_heads().items() if before.get(b) != head)
        per = (run.seconds - last.seconds) / max(moved, 1)
        self.rows.append(
            Row(
                "refresh after a push to main that meets no open request PR: pcs time",
                "; ".join(untouched),
                "",
                "independent of the number of open PRs; none touched",
            )
        )
        self.rows.append(
            Row(
                "refresh after a push to main that every open request PR meets: pcs time per "
                "rebuilt PR",
                f"{per:.2f} s per PR ({moved} of {len(before)} rebuilt in {run.seconds:.1f} s, "
                f"against {last.seconds:.1f} s for a push they do not meet; {run.rss_mb:.0f} MB)",
                "",
                "<= 2 s per stale PR",
            )
        )
        self.rss["refresh"] = run.rss_mb

    # -- import -----------------------------------------------------------------------------
    def bench_import(self, rows: int) -> None:
        log(f"catalog import of {rows} rows ...")
        source = self.tmp / "big.csv"
        write_big_catalog(source, rows)
        records, site = self.tmp / "records.marshal", self.tmp / "imported-site.marshal"
        runs, floors, writes = [], [], []
        count = 0
        for attempt in range(self.repeat):
            target = self.tmp / f"imported{attempt}"
            subprocess.run([self.pcs, "init", str(target)], check=True, capture_output=True)
            runs.append(
                measure([self.pcs, "--repo", str(target), "catalog", "import", str(source)])
            )
            if attempt == 0:
                dump_records(target, records)
                count = save_site(target, site)
            self.discard(target)
            out = self.tmp / "floor-out"
            floor_argv = [sys.executable, "-c", IMPORT_FLOOR, str(source), str(records), str(out)]
            floors.append(measure(floor_argv).seconds)
            self.discard(out)
            # The import also creates every derived file (pages, JSON) of the records it
            # adds: the second ratio adds the floor of creating those files.
            writes.append(self.write_floor(site, "imported-site"))
        site.unlink()
        run = Run(min(r.seconds for r in runs), max(r.rss_mb for r in runs))
        floor, write_floor = min(floors), min(writes)
        self.rows.append(
            Row(
                f"`pcs catalog import` of {rows} rows",
                f"{run.seconds:.2f} s (import floor {floor:.2f} s: CSV parse + its YAML "
                f"records; write floor {write_floor:.2f} s: creating its {count} derived files)",
                f"{run.seconds / floor:.2f}x of the import floor; "
                f"{run.seconds / (floor + write_floor):.2f}x of import + write floors",
                "<= 1.5x (both ratios)",
                floor,
            )
        )
        self.rss["import"] = run.rss_mb

    # -- sizes ------------------------------------------------------------------------------
    def bench_json(self) -> None:
        sizes = [p.stat().st_size for p in (self.repo / "docs").rglob("*.json")]
        over = sum(1 for s in sizes if s > 1_000_000)
        self.rows.append(
            Row(
                "JSON API: largest file; files over 1 MB",
                f"{max(sizes) / 1000:.0f} kB; {over}",
                "",
                "no file over 1 MB",
            )
        )

    def bench_growth(self) -> None:
        """Bytes one request adds to the repository: the pack a push of its branch sends; then,
        merged and rendered on main (the push handler's render commit), the pack main's push
        sends, and the growth of the packed repository, each side packed afresh with ``git
        repack -adf`` (git keeps the newest version of a file whole and turns the one before
        into a delta, so the growth, not the size of the new objects, is what a request costs;
        ``git gc`` reuses what earlier packs hold, and its growth swung from 0.2 to 1.4 MB)."""
        self.commit_all()
        before, old_main = repacked_size(self.repo), git(self.repo, "rev-parse", "main")
        number, _ = self.opened()
        branch = f"pcs/request-{number}"
        request_pack = thin_pack(self.repo, branch, "main")
        changed = git(self.repo, "diff", "--name-only", f"main...{branch}").splitlines()
        git(self.repo, "merge", "-q", "--no-ff", "-m", f"Merge request {number}", branch)
        _, outcome = self.push_event()
        rendered = len(git(self.repo, "diff", "--name-only", "HEAD^", "HEAD").splitlines())
        main_pack = thin_pack(self.repo, "main", old_main)
        grown = repacked_size(self.repo) - before
        self.rows.append(
            Row(
                "repository growth per request (push packs; packed repository, `git repack -adf`)",
                f"request branch: {request_pack / 1000:.1f} kB pushed ({len(changed)} record "
                f"files); merged and rendered on main: {main_pack / 1000:.1f} kB pushed "
                f"({rendered} files in the render commit"
                f"{'' if outcome.get('rendered') else ', which did not run'}); packed "
                f"repository {grown / 1000:+.0f} kB",
                "",
                "small: no derived file rewrites megabytes",
            )
        )

    def rss_row(self) -> None:
        figure = ", ".join(f"{k} {v:.0f} MB" for k, v in self.rss.items())
        self.rows.append(Row("peak RSS", figure, "", "<= 300 MB"))


def save_site(repo: Path, target: Path) -> int:
    """The generated files of ``repo`` as one marshalled mapping (for the write floor)."""
    import marshal

    files = {
        str(p.relative_to(repo)): p.read_bytes()
        for directory in GENERATED
        for p in (repo / directory).rglob("*")
        if p.is_file()
    }
    target.write_bytes(marshal.dumps(files))
    return len(files)


def thin_pack(repo: Path, tip: str, base: str) -> int:
    """Bytes of the thin pack a push of ``tip`` sends to a remote that has ``base``."""
    return len(
        subprocess.run(
            ["git", "pack-objects", "--revs", "--thin", "--stdout", "-q"],
            cwd=repo,
            input=f"{tip}\n^{base}\n".encode(),
            capture_output=True,
            check=True,
        ).stdout
    )


def repacked_size(repo: Path) -> int:
    """Bytes of the repository's objects packed afresh (every delta searched again)."""
    git(repo, "repack", "-adf", "-q")
    return sum(p.stat().st_size for p in (repo / ".git" / "objects" / "pack").glob("*.pack"))


def write_big_catalog(target: Path, rows: int) -> None:
    """``rows`` rows made from the real catalogue, each with its own path and issue."""
    with REAL_CATALOG.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    head, body = table[0], [r for r in table[1:] if any(c.strip() for c in r)]
    path_at = head.index("Dataset Path")
    issue_at = head.index("Issue") if "Issue" in head else None
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(head)
        for i in range(rows):
            row = list(body[i % len(body)])
            row[path_at] = row[path_at].rstrip("/") + f"/s{i}"
            if issue_at is not None:
                row[issue_at] = str(100_000 + i)
            writer.writerow(row)


def dump_records(repo: Path, target: Path) -> None:
    """The records an import wrote, as plain data for the import floor."""
    code = (
        "import marshal,sys,pathlib,yaml;L=getattr(yaml,'CSafeLoader',yaml.SafeLoader);"
        "ps=sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml'));"
        "r=[yaml.load(p.read_bytes(),Loader=L) for p in ps];"
        "open(sys.argv[2],'wb').write(marshal.dumps(r))"
    )
    subprocess.run([sys.executable, "-c", code, str(repo / "state"), str(target)], check=True)


def table(rows: list[Row], tasks: int) -> str:
    lines = [
        f"Scale benchmark: {tasks} requests, {os.cpu_count()} CPUs.",
        "",
        "| what | measured | ratio | target |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {r.what} | {r.figure} | {r.ratio} | {r.target} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", default=",".join(ROWS), help=f"some of {', '.join(ROWS)}")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--refresh-prs", default="2,8", help="open PR counts for the refresh row")
    args = parser.parse_args(argv)
    wanted = [r for r in args.rows.split(",") if r]
    unknown = sorted(set(wanted) - set(ROWS))
    if unknown:
        parser.error(f"unknown rows: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="pcs-bench-") as tmp:
        bench = Bench(Path(tmp), args.tasks, args.repeat)
        bench.generate()
        steps: dict[str, Callable[[], None]] = {
            "validate": bench.bench_validate,
            "render": bench.bench_render,
            "json": bench.bench_json,
            "growth": bench.bench_growth,
            "event": bench.bench_event,
            "refresh": lambda: bench.bench_refresh([int(n) for n in args.refresh_prs.split(",")]),
            "import": lambda: bench.bench_import(args.import_rows),
        }
        for name in ROWS:
            if name in wanted:
                steps[name]()
        if bench.rss:
            bench.rss_row()
        print(table(bench.rows, args.tasks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
