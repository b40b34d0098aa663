"""What Advisor runs on, and whether anyone could audit it (issue 15, item 13).

``requirements``: the exact versions installed in this environment of every package the
application needs at run time (its dependencies, followed transitively, without the dev
extras), one ``name==version`` per line. ``make sbom`` turns that list into a CycloneDX
SBOM and ``make audit`` gives it to pip-audit.

``check-audit``: read pip-audit's JSON report and fail unless every package was
actually audited. pip-audit on a machine that cannot reach a vulnerability database
reports each package as "not found" and then "No known vulnerabilities found" with exit
status 0; that run audited nothing and must not pass.

Run as ``python tools/supply_chain.py requirements > runtime.txt`` or
``python tools/supply_chain.py check-audit report.json``. ``check-audit`` exits 0 when
every package was audited and none is known vulnerable, 1 when some are, and 3 (with a
line starting ``NOT AUDITED``) when the audit could not be done.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = "advisor"
NOT_AUDITED = 3


def _needed(requirement: Requirement, extras: Iterable[str]) -> bool:
    """Whether ``requirement`` applies here, for a package installed with ``extras``."""
    if requirement.marker is None:
        return True
    environment = {str(key): str(value) for key, value in default_environment().items()}
    return any(
        requirement.marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras)
    )


def runtime_closure(root: str = ROOT) -> dict[str, str]:
    """Every distribution ``root`` needs at run time, with its installed version, by
    canonical name; the root itself is left out. A dependency that is not installed is
    an error: the list would not describe what runs."""
    found: dict[str, str] = {}
    pending: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        dist = metadata.distribution(name)
        if canonicalize_name(name) != canonicalize_name(root):
            found[canonicalize_name(name)] = dist.version
        for line in dist.requires or ():
            requirement = Requirement(line)
            if _needed(requirement, extras):
                pending.append((requirement.name, frozenset(requirement.extras)))
    return dict(sorted(found.items()))


def requirements_text(closure: dict[str, str]) -> str:
    return "".join(f"{name}=={version}\n" for name, version in closure.items())


class NothingAudited(Exception):
    """The audit did not look at some packages (or at any): it is not a pass."""


def check_audit(report: dict[str, object]) -> str:
    """A one-line summary of a pip-audit JSON report, or NothingAudited/ValueError.

    Passes only when every package was audited and none has a known vulnerability."""
    dependencies = report.get("dependencies")
    if not isinstance(dependencies, list) or not dependencies:
        raise NothingAudited("pip-audit reported no packages at all")
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = len(dependencies) - len(skipped)
    if skipped:
        first = skipped[0]
        raise NothingAudited(
            f"{audited} of {len(dependencies)} packages audited; {len(skipped)} could not be"
            f" (first: {first.get('name')}: {first.get('skip_reason')}). Without a reachable"
            " vulnerability database this run proves nothing: not a pass."
        )
    if vulnerable:
        names = ", ".join(
            f"{d['name']} {d.get('version', '')} ({', '.join(v['id'] for v in d['vulns'])})"
            for d in vulnerable
        )
        raise ValueError(f"known vulnerabilities in {len(vulnerable)} packages: {names}")
    return f"all {audited} packages audited; no known vulnerabilities"


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "requirements":
        sys.stdout.write(requirements_text(runtime_closure()))
        return 0
    if command == "check-audit" and len(argv) == 3:
        try:
            report = json.loads(Path(argv[2]).read_text())
        except (OSError, ValueError) as error:
            print(f"NOT AUDITED: pip-audit left no readable report ({error})", file=sys.stderr)
            return NOT_AUDITED
        try:
            print(check_audit(report))
        except NothingAudited as error:
            print(f"NOT AUDITED: {error}", file=sys.stderr)
            return NOT_AUDITED
        except ValueError as error:
            print(f"AUDIT FAILED: {error}", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
