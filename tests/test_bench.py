"""`make bench` (issue 19, item 7): each benchmark's --json goals and the one table the
orchestrator assembles from them. No benchmark runs here: the writers are given figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench, goals
from benchmarks.export import export_goals
from benchmarks.ledger_verify import verify_goals
from benchmarks.load import Result, load_goals
from benchmarks.pages import page_goals
from benchmarks.upload import upload_goals

KEYS = {"name", "measured", "goal", "unit", "met"}


def _shape(entries: list[goals.Entry]) -> dict[str, goals.Entry]:
    """Every entry in the documented form; the entries by name."""
    for entry in entries:
        assert set(entry) == KEYS
        assert isinstance(entry["met"], bool)
        assert entry["measured"] is None or isinstance(entry["measured"], float)
    by_name = {entry["name"]: entry for entry in entries}
    assert len(by_name) == len(entries)
    return by_name


def _written(tmp_path: Path, name: str, entries: list[goals.Entry], **extra: Any) -> Path:
    path = tmp_path / f"{name}.json"
    goals.write(
        path, "postgresql+psycopg://postgres@127.0.0.1:5432/advisor_bench", entries, **extra
    )
    return path


def test_pages_give_a_p95_and_a_statements_goal_per_page() -> None:
    entries = _shape(
        page_goals(
            [
                ("bureau", "/?fresh=1", 250.0, 16, 200),
                ("bureau", "/ledger?q=讲座", 312.7, 7, 200),
                ("school", "/", 11.2, 21, 200),
                ("advisor", "/schools", 9.0, 3, 500),
            ]
        )
    )
    assert len(entries) == 8
    assert entries["pages: bureau /?fresh=1 p95"] == {
        "name": "pages: bureau /?fresh=1 p95",
        "measured": 250.0,
        "goal": 300,
        "unit": "ms",
        "met": True,
    }
    assert entries["pages: bureau /?fresh=1 SQL"]["met"] is True
    assert entries["pages: bureau /ledger?q=讲座 p95"]["met"] is False
    school_sql = entries["pages: school / SQL"]
    assert (school_sql["measured"], school_sql["goal"], school_sql["met"]) == (21.0, 20, False)
    # A page that failed misses both goals, however fast it failed.
    assert entries["pages: advisor /schools p95"]["met"] is False
    assert entries["pages: advisor /schools SQL"]["met"] is False


def test_load_gives_throughput_at_least_the_goal_and_no_error() -> None:
    fast = Result("school", "/", 200, requests_per_second=250.0)
    slow = Result("bureau", "/contracts", 50, requests_per_second=49.9)
    failing = Result("anonymous", "/login", 200, requests_per_second=900.0, errors=3)
    entries = _shape(load_goals([fast, slow, failing]))
    assert entries["load: school / throughput"] == {
        "name": "load: school / throughput",
        "measured": 250.0,
        "goal": 200,
        "unit": "req/s",
        "met": True,
    }
    assert entries["load: school / errors"]["met"] is True
    assert entries["load: bureau /contracts throughput"]["met"] is False
    assert entries["load: anonymous /login throughput"]["met"] is True
    errors = entries["load: anonymous /login errors"]
    assert (errors["measured"], errors["goal"], errors["met"]) == (3.0, 0, False)


def test_upload_ratio_at_most_1_3() -> None:
    (met,) = _shape(upload_goals(50, 130.0, 100.0)).values()
    assert (met["measured"], met["goal"], met["unit"], met["met"]) == (1.3, 1.3, "×", True)
    (missed,) = upload_goals(50, 178.0, 100.0)
    assert (missed["measured"], missed["met"]) == (1.78, False)


def test_ledger_verify_full_and_incremental_goals() -> None:
    entries = _shape(
        verify_goals(
            [
                ("full, 2,000,000 entries, in process", 24.5, 20.0, 30.0),
                ("incremental, 2,000 new entries, in process", 2.5, 2.4, 2.0),
            ]
        )
    )
    full = entries["ledger verify: full, 2,000,000 entries, in process"]
    assert (full["measured"], full["goal"], full["unit"], full["met"]) == (24.5, 30.0, "s", True)
    assert entries["ledger verify: incremental, 2,000 new entries, in process"]["met"] is False


def test_export_goals_and_an_unfinished_export_misses_them_all() -> None:
    entries = _shape(export_goals(done=True, first=0.8, total=130.0, peak_mb=210.0, disk_ratio=1.4))
    assert {name: (e["goal"], e["unit"], e["met"]) for name, e in entries.items()} == {
        "export: time to first progress": (2.0, "s", True),
        "export: total": (120.0, "s", False),
        "export: peak RSS": (300.0, "MB", True),
        "export: exports folder ÷ file": (2.0, "×", True),
    }
    failed = _shape(export_goals(done=False, first=None, total=3.0, peak_mb=100.0, disk_ratio=None))
    assert not any(e["met"] for e in failed.values())
    assert failed["export: time to first progress"]["measured"] is None


def test_the_orchestrator_gathers_every_benchmark_into_one_table(tmp_path: Path) -> None:
    pages = _written(tmp_path, "pages", page_goals([("bureau", "/", 20.0, 2, 200)]))
    load = _written(
        tmp_path,
        "load",
        load_goals([Result("bureau", "/contracts", 50, requests_per_second=7.2)]),
        pages=[{"who": "bureau"}],
        baseline={"requests_per_second": 7300.0},
    )
    upload = _written(tmp_path, "upload", upload_goals(50, 120.0, 100.0))
    entries: list[goals.Entry] = []
    rest = {}
    for name, path, code in (
        ("pages", pages, 0),
        ("load", load, 0),
        ("upload", upload, 0),
        ("export", tmp_path / "export.json", 1),  # failed before writing anything
    ):
        found, rest[name] = bench.collect(name, path, code)
        entries += found
    assert rest["load"]["baseline"] == {"requests_per_second": 7300.0}
    assert rest["export"] == {}
    assert [(e["name"], e["met"]) for e in entries] == [
        ("pages: bureau / p95", True),
        ("pages: bureau / SQL", True),
        ("load: bureau /contracts throughput", False),
        ("load: bureau /contracts errors", True),
        ("upload: 50-page upload ÷ pypdf extraction", True),
        ("export: finished", False),
    ]
    assert entries[-1] == {
        "name": "export: finished",
        "measured": 1.0,
        "goal": 0,
        "unit": "exit code",
        "met": False,
    }

    lines = bench.table(entries).splitlines()
    assert lines[0].split() == ["name", "measured", "goal", "unit", "met"]
    row = next(line for line in lines if line.startswith("load: bureau /contracts throughput"))
    assert row.split()[-4:] == ["7.2", "50", "req/s", "MISSED"]
    assert next(line for line in lines if line.startswith("pages: bureau / p95")).endswith(" met")
    assert lines[-1] == "4 of 6 goals met"

    results = tmp_path / "bench-results.json"
    goals.write(results, "sqlite:///instance/bench-province.db", entries, quick=True)
    document = json.loads(results.read_text(encoding="utf-8"))
    assert document["database"] == "sqlite:///instance/bench-province.db"
    assert document["goals"] == entries
    _shape(document["goals"])


def test_a_benchmark_that_exits_cleanly_but_writes_no_goal_is_missed(tmp_path: Path) -> None:
    empty = _written(tmp_path, "pages", [])
    (entry,) = bench.collect("pages", empty, 0)[0]
    assert (entry["name"], entry["measured"], entry["met"]) == ("pages: finished", None, False)


def test_the_database_is_named_bench_and_taken_with_psycopg_3() -> None:
    url = bench.database_url("postgresql://postgres@127.0.0.1:5432/advisor_bench")
    assert url == "postgresql+psycopg://postgres@127.0.0.1:5432/advisor_bench"
    assert bench.database_url(None) == f"sqlite:///{bench.DEFAULT_SQLITE}"
    with pytest.raises(SystemExit, match="bench"):
        bench.database_url("postgresql://postgres@127.0.0.1:5432/advisor")


def test_quick_runs_fewer_requests() -> None:
    url = "sqlite:///bench.db"
    full = bench.commands(url, quick=False, ledger=None)
    quick = bench.commands(url, quick=True, ledger="postgresql+psycopg://h/x_bench_ledger")
    assert set(full) == set(bench.BENCHMARKS)
    assert full["pages"][-2:] == ["--requests", "30"]
    assert quick["pages"][-2:] == ["--requests", "5"]
    assert quick["load"][-2:] == ["--seconds", "3"]
    assert "--entries" not in full["ledger"]
    assert quick["ledger"][-2:] == ["--database-url", "postgresql+psycopg://h/x_bench_ledger"]


def test_the_table_lines_up_chinese_names_and_shows_figures_near_a_goal() -> None:
    entries = [
        goals.at_most("pages: bureau /ledger?q=讲座 p95", 431.0, 300, "ms"),
        goals.at_most("pages: bureau /ledger p95", 259.0, 300, "ms"),
        goals.at_most("export: time to first progress", 1.995, 2.0, "s"),
    ]
    lines = bench.table(entries).splitlines()
    # Each figure ends in the same terminal column (a Chinese character takes two).
    ends = {bench._width(line.rsplit(maxsplit=3)[0]) for line in lines[1:4]}
    assert len(ends) == 1
    assert lines[1].endswith("MISSED")
    assert lines[2].endswith("met")
    # 1.995 s is not rounded up to the goal of 2 s it met.
    assert lines[3].split()[-4:] == ["1.995", "2", "s", "met"]
