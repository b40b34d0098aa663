"""Put on PYTHONPATH for the topology's processes, which run under libfaketime with the
monotonic clock left real (tests/clock.py).

libfaketime 0.9.10 (Debian 12) mistranslates clock_nanosleep(CLOCK_MONOTONIC,
TIMER_ABSTIME) when the monotonic clock is not faked: the kernel gets a negative time and
answers EINVAL (libfaketime issue 426). Python 3.11's time.sleep makes exactly that call,
so every time.sleep fails, gunicorn's arbiter's among them ("OSError: [Errno 22] Invalid
argument" as it spawns its workers). A timed wait on a lock is not affected, so here
time.sleep waits on one instead: the same pause, and a signal still runs its handler.
"""

from __future__ import annotations

import os
import threading
import time
from typing import SupportsIndex

_NEVER_SET = threading.Event()


def _sleep(seconds: float | SupportsIndex) -> None:
    length = seconds if isinstance(seconds, float) else float(seconds.__index__())
    if length < 0:
        raise ValueError("sleep length must be non-negative")
    _NEVER_SET.wait(length)


if os.environ.get("FAKETIME") and os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":
    time.sleep = _sleep
