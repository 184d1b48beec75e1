"""Run the benchmarks and put every goal in one table, printed and written to RESULTS.md.

``make bench`` calls this. Each ``bench_*.py`` runs in its own process, exactly as when run
alone; its output is passed through, and the ``BENCH-RESULT`` lines it prints (``_results.emit``)
become the table's rows. A benchmark that fails or prints no row gets a row saying so, so a
broken benchmark shows instead of leaving an old figure in place. The file records the date,
the machine (cores, memory) and its load average before and after, since on a shared machine
a figure means little without them.

    python bench/run_all.py                      # every bench/bench_*.py → bench/RESULTS.md
    python bench/run_all.py bench/bench_lookup.py  # some: the others' rows stay, with their date
    BENCH_QUICK=1 python bench/run_all.py        # small sizes; writes no file unless --output
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from _results import PREFIX, quick

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
COLUMNS = ("benchmark", "goal", "measured", "ratio", "verdict")


@dataclass
class Machine:
    cores: int
    memory_gib: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @classmethod
    def now(cls) -> Machine:
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        return cls(cores=os.cpu_count() or 1, memory_gib=kib / 1024**2, load_before=os.getloadavg())

    @property
    def loaded(self) -> bool:
        """Busier than its cores at either end: other work shared them, figures are upper bounds."""
        return max(self.load_before[0], self.load_after[0]) > self.cores


@dataclass
class Run:
    script: str
    returncode: int
    rows: list[dict] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)
    seconds: float = 0.0
    when: str = ""


#: RESULTS.md keeps each benchmark's last run in this comment, so running some benchmarks
#: replaces their rows and keeps the others' (each dated).
STORE = "<!-- bench runs: "


def previous_runs(path: Path) -> list[Run]:
    if not path.exists():
        return []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(STORE):
            return [Run(**{**run, "load": tuple(run["load"])})
                    for run in json.loads(line[len(STORE):-len(" -->")])]
    return []


def parse_rows(script: str, output: str) -> list[dict]:
    """The result rows a benchmark printed (lines starting with ``PREFIX``)."""
    rows = []
    for line in output.splitlines():
        if line.startswith(PREFIX):
            row = json.loads(line[len(PREFIX):])
            row["script"] = script
            rows.append(row)
    return rows


def run_one(path: Path) -> Run:
    """Run one benchmark, passing its output through, and collect its rows."""
    print(f"== {path.name}", flush=True)
    load_before, started = os.getloadavg()[0], time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(path)], stdout=subprocess.PIPE, text=True, cwd=HERE.parent,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if not line.startswith(PREFIX):
            sys.stdout.write(line)
            sys.stdout.flush()
    returncode = process.wait()
    return Run(
        script=path.name, returncode=returncode, rows=parse_rows(path.name, "".join(lines)),
        load=(load_before, os.getloadavg()[0]), seconds=time.monotonic() - started,
        when=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    )


def verdict(row: dict) -> str:
    if row.get("quick"):
        return "quick run"
    if row.get("met") is None:
        return "—"
    return "met" if row["met"] else "MISSED"


def table_rows(runs: list[Run]) -> list[tuple[str, ...]]:
    """One tuple per table line (COLUMNS order); a failed or silent benchmark gets its own."""
    lines = []
    for run in runs:
        for row in run.rows:
            ratio = row.get("ratio")
            lines.append((row["benchmark"], row["goal"], row["measured"],
                          "—" if ratio is None else f"{ratio:.2f} ×", verdict(row)))
        if run.returncode != 0:
            lines.append((run.script, "runs to the end", f"exit status {run.returncode}", "—",
                          "FAILED"))
        elif not run.rows:
            lines.append((run.script, "prints its result rows", "no result row", "—", "FAILED"))
    return lines


def text_table(lines: list[tuple[str, ...]]) -> str:
    """The table for a terminal: columns padded to their widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(COLUMNS, *lines, strict=False)]

    def fmt(cells):
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([fmt(COLUMNS), rule, *(fmt(line) for line in lines)])


def _load(values) -> str:
    return " / ".join(f"{value:.1f}" for value in values)


def markdown(runs: list[Run], machine: Machine, when: datetime) -> str:
    """RESULTS.md: the table with the date, the machine and its load."""
    state = (
        "**loaded** (load average above the core count: other work shared the cores, so times "
        "are upper bounds and ratios against a same-run baseline are the figures to read)"
        if machine.loaded else "quiet (load average below the core count)"
    )
    head = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run_all.py`); current figures only, earlier ones are in "
        "git history. Ratios are against a baseline measured in the same run.",
        "",
        f"- date of the last run: {when:%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine.cores} cores, {machine.memory_gib:.1f} GiB RAM",
        f"- load average (1, 5, 15 min) of the last run: before {_load(machine.load_before)}, "
        f"after {_load(machine.load_after)}; {state}",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    body = ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |"
            for line in table_rows(runs)]
    runs_note = ["", "Each benchmark's run: when, load average (1 min) at its start and end, "
                 "duration.", ""]
    runs_note += [f"- `{run.script}`: {run.when}, load {run.load[0]:.1f} → {run.load[1]:.1f}, "
                  f"{run.seconds:.0f} s" for run in runs]
    stored = json.dumps([run.__dict__ for run in runs], ensure_ascii=False)
    return "\n".join(head + body + runs_note + ["", f"{STORE}{stored} -->"]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts", nargs="*", type=Path,
                        help="benchmarks to run (default: every bench/bench_*.py)")
    parser.add_argument("--output", type=Path,
                        help="where to write the results (default: bench/RESULTS.md, "
                             "none with BENCH_QUICK=1)")
    args = parser.parse_args(argv)
    scripts = args.scripts or sorted(HERE.glob("bench_*.py"))
    output = args.output or (None if quick() else RESULTS)
    machine = Machine.now()
    when = datetime.now(UTC)
    runs = [run_one(path) for path in scripts]
    machine.load_after = os.getloadavg()
    lines = table_rows(runs)
    print()
    print(text_table(lines))
    print(f"\n{machine.cores} cores, {machine.memory_gib:.1f} GiB; load average before "
          f"{_load(machine.load_before)}, after {_load(machine.load_after)}")
    if output is not None:
        ran = {run.script for run in runs}
        kept = [run for run in previous_runs(output) if run.script not in ran]
        every = sorted(kept + runs, key=lambda run: run.script)
        output.write_text(markdown(every, machine, when), encoding="utf-8")
        print(f"written to {output}")
    return 1 if any(line[-1] == "FAILED" for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
