"""Start-up stays light: building the application (as every flask command and every web
worker does) imports none of the libraries that only some requests and commands use.
Issue 19, item 5: ``flask ledger verify --since-last`` within 2 s, start-up included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from config import PROJECT_ROOT

# Each is imported where it is used: a workbook, a Word file, a PDF letter, a parse (in
# the reader process), Redis, the scheduler, PostgreSQL's driver on SQLite, the pre-check's
# rules.
HEAVY = (
    "openpyxl",
    "docx",
    "fpdf",
    "fontTools",
    "pypdf",
    "pypdfium2",
    "redis",
    "apscheduler",
    "psycopg",
    "advisor.precheck.engine",
    "advisor.precheck.structure",
)

BUILD = """
import json, sys
from pathlib import Path
from advisor import create_app
from config import Config

folder, warm = Path(sys.argv[1]), sys.argv[2] == "warm"
create_app(Config(secret_key="test", database_url=f"sqlite:///{folder / 'a.db'}",
                  instance_path=folder, testing=True, parse_warm_start=warm))
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after_create_app(folder: Path, *, warm: bool = False) -> set[str]:
    # The child builds the app on the real clock: this test is about imports, not time, and
    # under CI's libfaketime (the whole suite run on a fixed date) the child hung in a futex
    # wait. The timeout turns any other hang into a failure instead of a stalled suite.
    env = {k: v for k, v in os.environ.items() if k not in {"LD_PRELOAD", "FAKETIME"}}
    done = subprocess.run(  # nosec B603 (our own command line)
        [sys.executable, "-c", BUILD, str(folder), "warm" if warm else "cold"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_creating_the_app_imports_no_heavy_library(tmp_path: Path) -> None:
    loaded = _modules_after_create_app(tmp_path)
    assert "advisor.ledger.views" in loaded  # the application was built
    assert [name for name in HEAVY if name in loaded] == []


def test_a_warm_start_imports_the_precheck_rules_before_the_first_upload(tmp_path: Path) -> None:
    """PARSE_WARM_START (the web workers): the first upload waits neither for the reader
    process nor for the pre-check's rules it runs next."""
    loaded = _modules_after_create_app(tmp_path, warm=True)
    assert "advisor.precheck.engine" in loaded
    assert "openpyxl" not in loaded
