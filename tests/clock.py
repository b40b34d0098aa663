"""The suite's clock for subprocesses: the environment that starts one at a given moment.

In-process code sees the suite's clock through time-machine (tests/conftest.py). A
subprocess would start with the machine's clock; with ``faketime_env`` it runs under
Debian's libfaketime instead, its clock starting at the moment given and ticking.

Only the wall clock is faked. With the monotonic clock faked too, every timed wait
(``Event.wait(0.01)``, ``Thread.join(3)``, the threading.Timer of Flask-Limiter's
in-memory store) is handed an absolute deadline in faked time that the kernel reads in
real time, years ahead, and never returns: a process then cannot even exit. Nothing
here measures time with the monotonic clock against the date, so it stays real.
"""

from __future__ import annotations

import glob
from datetime import UTC, datetime

import pytest


def faketime_env(moment: datetime) -> dict[str, str]:
    """Variables that make a subprocess's clock start at ``moment`` (UTC, zone set too)."""
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))
    if not found:
        pytest.fail(
            "libfaketime is not installed (apt-get install -y faketime; make test installs it)"
        )
    return {
        "LD_PRELOAD": found[0],
        "FAKETIME": "@" + moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "TZ": "UTC",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }
