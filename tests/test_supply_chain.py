"""The SBOM's package list and the audit verdict (issue 15, item 13): a pip-audit run that
looked at nothing is not a pass."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from config import PROJECT_ROOT
from tools import supply_chain

TOOL = PROJECT_ROOT / "tools" / "supply_chain.py"


def test_the_runtime_list_holds_what_the_app_runs_on_at_installed_versions() -> None:
    closure = supply_chain.runtime_closure()
    for needed in ("flask", "sqlalchemy", "werkzeug", "flask-limiter", "redis", "limits"):
        assert closure[needed] == metadata.version(needed)
    # Dev tools and the application itself are not part of what runs.
    for tool in ("pytest", "schemathesis", "playwright", "bandit", "pip-audit", "advisor"):
        assert tool not in closure
    text = supply_chain.requirements_text(closure)
    assert f"flask=={metadata.version('flask')}\n" in text


def test_every_declared_dependency_is_in_the_list() -> None:
    from packaging.requirements import Requirement

    declared = {
        canonicalize_name(Requirement(line).name)
        for line in metadata.requires("advisor") or ()
        if "extra ==" not in line
    }
    assert declared <= set(supply_chain.runtime_closure())


def _report(*dependencies: dict[str, object]) -> dict[str, object]:
    return {"dependencies": list(dependencies), "fixes": []}


def test_an_audit_that_found_nothing_because_it_looked_at_nothing_fails() -> None:
    report = _report(
        {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {"name": "jinja2", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    )
    with pytest.raises(supply_chain.NothingAudited, match="0 of 2 packages audited"):
        supply_chain.check_audit(report)
    with pytest.raises(supply_chain.NothingAudited):
        supply_chain.check_audit(_report())


def test_a_partial_audit_fails_too() -> None:
    report = _report(
        {"name": "flask", "version": "3.1.2", "vulns": []},
        {"name": "jinja2", "skip_reason": "not found"},
    )
    with pytest.raises(supply_chain.NothingAudited, match="1 of 2 packages audited"):
        supply_chain.check_audit(report)


def test_a_known_vulnerability_fails_and_a_clean_full_audit_passes() -> None:
    vulnerable = _report(
        {"name": "flask", "version": "3.1.2", "vulns": []},
        {"name": "jinja2", "version": "3.0.0", "vulns": [{"id": "GHSA-xxxx", "fix_versions": []}]},
    )
    with pytest.raises(ValueError, match=r"jinja2 3\.0\.0 \(GHSA-xxxx\)"):
        supply_chain.check_audit(vulnerable)
    clean = _report({"name": "flask", "version": "3.1.2", "vulns": []})
    assert supply_chain.check_audit(clean) == "all 1 packages audited; no known vulnerabilities"


@pytest.mark.parametrize(
    ("report", "status", "says"),
    [
        ({"dependencies": [{"name": "a", "skip_reason": "not found"}]}, 3, "NOT AUDITED"),
        ({"dependencies": [{"name": "a", "version": "1", "vulns": [{"id": "X"}]}]}, 1, "FAILED"),
        ({"dependencies": [{"name": "a", "version": "1", "vulns": []}]}, 0, "all 1 packages"),
        (None, 3, "no readable report"),
    ],
)
def test_the_command_exit_status_tells_the_three_outcomes_apart(
    tmp_path: Path, report: dict[str, object] | None, status: int, says: str
) -> None:
    path = tmp_path / "audit.json"
    if report is not None:
        path.write_text(json.dumps(report))
    done = subprocess.run(
        [sys.executable, str(TOOL), "check-audit", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == status
    assert says in done.stdout + done.stderr


STUB = """#!/bin/sh
echo "$(basename "$0") $*" >> "$STUB_LOG"
if [ "$(basename "$0")" = make ] && [ "$1" = audit ]; then
  echo "$AUDIT_SAYS" >&2
  exit "$AUDIT_STATUS"
fi
exit 0
"""


def run_ci_with_stubs(
    tmp_path: Path, audit_status: int, audit_says: str
) -> tuple[int, str, list[str]]:
    """.ci/run as written, in a folder of its own where make, pytest and the database and
    Redis clients are stubs that succeed, except ``make audit``, which says ``audit_says``
    and exits ``audit_status``. Returns CI's exit status, its output and the stubs' calls."""
    sandbox = tmp_path / "checkout"
    (sandbox / ".ci").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / ".ci" / "run", sandbox / ".ci" / "run")
    stubs = tmp_path / "stubs"
    for folder, names in (
        (stubs, ("make", "psql", "pg_isready", "redis-cli")),
        (sandbox / ".venv" / "bin", ("pytest",)),
    ):
        folder.mkdir(parents=True)
        for name in names:
            (folder / name).write_text(STUB)
            (folder / name).chmod(0o755)
    done = subprocess.run(
        ["bash", str(sandbox / ".ci" / "run")],
        env={
            "PATH": f"{stubs}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "STUB_LOG": str(tmp_path / "stubs.log"),
            "AUDIT_STATUS": str(audit_status),
            "AUDIT_SAYS": audit_says,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    calls = (tmp_path / "stubs.log").read_text().splitlines()
    return done.returncode, done.stdout + done.stderr, calls


def test_ci_ends_by_saying_the_audit_audited_nothing_without_failing(tmp_path: Path) -> None:
    """A NOT AUDITED audit does not stop CI (no change could make it pass here), and the
    last line CI prints says so, so that the run is not read as a full pass."""
    status, output, calls = run_ci_with_stubs(tmp_path, 3, "NOT AUDITED: 0 of 70 packages audited")
    assert status == 0 and any(c.startswith("make topology-test") for c in calls), output
    assert output.rstrip().splitlines()[-1] == (
        "CI passed every stage but the dependency audit, which audited nothing"
        " (make audit: NOT AUDITED, not a pass)."
    ), output


def test_ci_ends_with_a_plain_pass_after_a_real_audit_and_stops_on_a_vulnerability(
    tmp_path: Path,
) -> None:
    status, output, calls = run_ci_with_stubs(
        tmp_path / "clean", 0, "all 70 packages audited; no known vulnerabilities"
    )
    assert status == 0 and any(c.startswith("make topology-test") for c in calls), output
    last = output.rstrip().splitlines()[-1]
    assert last == "CI passed every stage, the dependency audit included.", output

    status, output, calls = run_ci_with_stubs(tmp_path / "vulnerable", 1, "FAILED: flask 0.1: X-1")
    assert status == 1 and "CI passed" not in output, output
    assert calls[-1] == "make audit", calls  # stopped there
