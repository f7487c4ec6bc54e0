"""Batch `caseminer extract` from start to finish, as a user runs it over a folder (a benchmark, not a test).

    python benchmarks/bench_batch_extract.py [--documents 500] [--runs 3] [--vocab PATH] [--cpu N]

Writes `--documents` generated full-text case reports (caseminer.demo.generate_reports, each as the
JATS file Europe PMC serves for it) into a temporary folder, then times the installed `caseminer`
command, pinned to one core with `taskset`, in paired runs:

- start-up: `caseminer extract ONE.xml` (process start, imports, terminology store and pipeline
  load, one report);
- batch: `caseminer extract FOLDER > out.jsonl` (the same start-up once, then every report).

Prints per run and as medians: documents per wall-clock second of the whole batch (start-up
included; target >= 15 on one core), the start-up seconds beside it, the marginal milliseconds per
document ((batch - start-up) / (documents - 1)), the batch's documents per CPU-second, the peak RSS,
the machine and its load average. Needs the terminology store (--vocab, CASEMINER_VOCAB_PATH or the
default location); a run that does not write one JSON line per report fails the benchmark.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from caseminer.demo import generate_reports
from caseminer.demo.render import europepmc_full_text

CASEMINER = Path(sys.executable).with_name("caseminer")
TARGET_DOCS_PER_SECOND = 15.0
console = Console(width=140)


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Python {platform.python_version()}"


def load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def write_reports(folder: Path, count: int) -> tuple[list[Path], int]:
    """The generated reports as JATS files; their paths and mean size in characters."""
    folder.mkdir(parents=True)
    paths, sizes = [], []
    for report in generate_reports(count, seed=0):
        body = europepmc_full_text(report)
        path = folder / f"{report.pmcid}.xml"
        path.write_bytes(body)
        paths.append(path)
        sizes.append(len(body))
    return paths, round(statistics.mean(sizes))


def run_pinned(args: list[str], cpu: int, stdout: Path, env: dict[str, str]) -> Timing:
    """One `caseminer` process pinned to `cpu`: its wall-clock and CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with stdout.open("wb") as out:
        completed = subprocess.run(
            ["taskset", "-c", str(cpu), str(CASEMINER), *args],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise SystemExit(f"caseminer {' '.join(args)} failed:\n{completed.stderr.decode(errors='replace')}")
    cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3, help="paired start-up and batch runs")
    parser.add_argument("--vocab", type=Path, help="terminology store (default: the configured one)")
    parser.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)), help="the core to pin to")
    args = parser.parse_args()
    if shutil.which("taskset") is None:
        raise SystemExit("taskset (util-linux) is needed to pin the command to one core")
    env = dict(os.environ)
    if args.vocab:
        env["CASEMINER_VOCAB_PATH"] = str(args.vocab)

    root = Path(tempfile.mkdtemp(prefix="caseminer-bench-batch-"))
    try:
        console.print(f"machine: {machine()}; load average before: {load_average()}")
        paths, mean_size = write_reports(root / "reports", args.documents)
        console.print(f"{len(paths)} generated full-text reports (JATS), {mean_size:,} bytes each on average")
        out = root / "out.jsonl"
        table = Table(
            "run",
            "start-up s",
            "batch s",
            "docs/s (start to finish)",
            "marginal ms/doc",
            "docs/CPU-s (batch)",
            "load avg",
            title=f"caseminer extract over {len(paths)} files, pinned to core {args.cpu}",
        )
        rates, startups, marginals = [], [], []
        run_pinned(["extract", str(paths[0])], args.cpu, out, env)  # warm the page cache once
        for run in range(1, args.runs + 1):
            startup = run_pinned(["extract", str(paths[0])], args.cpu, out, env)
            batch = run_pinned(["extract", str(root / "reports")], args.cpu, out, env)
            lines = sum(1 for _ in out.open("rb"))
            if lines != len(paths):
                raise SystemExit(f"expected {len(paths)} JSON lines, got {lines}")
            rate = len(paths) / batch.wall
            marginal = (batch.wall - startup.wall) / (len(paths) - 1) * 1000
            rates.append(rate)
            startups.append(startup.wall)
            marginals.append(marginal)
            table.add_row(
                str(run),
                f"{startup.wall:.2f}",
                f"{batch.wall:.1f}",
                f"{rate:.1f}",
                f"{marginal:.1f}",
                f"{len(paths) / batch.cpu:.1f}",
                load_average(),
            )
        table.add_row(
            "median",
            f"{statistics.median(startups):.2f}",
            "",
            f"{statistics.median(rates):.1f} (target {TARGET_DOCS_PER_SECOND:.0f})",
            f"{statistics.median(marginals):.1f}",
            "",
            "",
        )
        console.print(table)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        console.print(f"peak RSS of a caseminer process: {peak:.0f} MB; load average after: {load_average()}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
