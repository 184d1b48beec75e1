"""``make bench``'s runner: one table from the rows the benchmarks print, written with the machine.

The benchmarks here are stand-ins that print rows at once (no timing is asserted): what is
tested is that every row reaches the table and the file, and that a benchmark that fails or
prints no row shows as failed instead of vanishing.
"""

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

PRELUDE = f"import sys\nsys.path.insert(0, {str(BENCH)!r})\nfrom _results import emit\n"


@pytest.fixture
def run_all(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.delenv("BENCH_QUICK", raising=False)
    module = importlib.import_module("run_all")
    yield module
    sys.modules.pop("run_all", None)


def fake_bench(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(PRELUDE + body, encoding="utf-8")
    return path


def test_table_and_results_file_from_the_rows_benchmarks_print(run_all, tmp_path, capsys):
    met = fake_bench(tmp_path, "bench_met.py", (
        "print('bundles 1000, total 31 s')\n"
        "emit('agency bundles, 1,000', goal='≤ 1.3 × the floor', measured='31.0 s vs 25.0 s',"
        " ratio=1.24, met=True)\n"
        "emit('worker CPU per step', goal='—', measured='5.1 ms')\n"
    ))
    missed = fake_bench(tmp_path, "bench_missed.py", (
        "emit('status lookup | 16 clients', goal='p99 ≤ 50 ms', measured='p99 80 ms', met=False)\n"
    ))
    broken = fake_bench(tmp_path, "bench_broken.py", "raise SystemExit(3)\n")
    silent = fake_bench(tmp_path, "bench_silent.py", "print('figures but no row')\n")
    output = tmp_path / "RESULTS.md"

    status = run_all.main([str(met), str(missed), str(broken), str(silent), "--output", str(output)])

    printed = capsys.readouterr().out
    assert status == 1  # a failed benchmark fails the run
    assert "bundles 1000, total 31 s" in printed  # the benchmark's own output passes through
    assert "BENCH-RESULT" not in printed
    table = printed.split("benchmark", 1)[1]
    assert "agency bundles, 1,000" in table and "1.24 ×" in table and "met" in table
    assert "worker CPU per step" in table and "5.1 ms" in table
    assert "p99 80 ms" in table and "MISSED" in table
    assert "bench_broken.py" in table and "exit status 3" in table
    assert "bench_silent.py" in table and "no result row" in table

    written = output.read_text(encoding="utf-8")
    assert "| benchmark | goal | measured | ratio | verdict |" in written
    assert "| agency bundles, 1,000 | ≤ 1.3 × the floor | 31.0 s vs 25.0 s | 1.24 × | met |" in written
    assert "| status lookup \\| 16 clients | p99 ≤ 50 ms | p99 80 ms | — | MISSED |" in written
    assert "| bench_broken.py | runs to the end | exit status 3 | — | FAILED |" in written
    assert "- machine: " in written and " cores, " in written and "GiB RAM" in written
    assert "load average (1, 5, 15 min) of the last run: before " in written
    assert ", after " in written
    assert "- date of the last run: " in written
    assert "`bench_met.py`" in written


def test_quick_mode_marks_rows_and_writes_no_file_unless_asked(run_all, tmp_path, monkeypatch,
                                                                capsys):
    monkeypatch.setenv("BENCH_QUICK", "1")
    monkeypatch.setattr(run_all, "RESULTS", tmp_path / "RESULTS.md")
    script = fake_bench(tmp_path, "bench_small.py", (
        "emit('intake', goal='≥ 0.5 × plain inserts', measured='0.7 ×', ratio=0.7, met=True)\n"
    ))

    assert run_all.main([str(script)]) == 0

    table = capsys.readouterr().out.split("benchmark", 1)[1]
    assert "quick run" in table and " met" not in table
    assert not (tmp_path / "RESULTS.md").exists()


def test_running_some_benchmarks_keeps_the_others_rows(run_all, tmp_path, capsys):
    first = fake_bench(tmp_path, "bench_first.py", "emit('first', goal='—', measured='1 ms')\n")
    second = fake_bench(tmp_path, "bench_second.py", "emit('second', goal='—', measured='2 ms')\n")
    output = tmp_path / "RESULTS.md"
    run_all.main([str(first), str(second), "--output", str(output)])
    second.write_text(PRELUDE + "emit('second', goal='—', measured='3 ms')\n", encoding="utf-8")

    run_all.main([str(second), "--output", str(output)])

    written = output.read_text(encoding="utf-8")
    assert "| first | — | 1 ms | — | — |" in written
    assert "| second | — | 3 ms | — | — |" in written and "2 ms" not in written
