"""The production topology test is a CI stage of its own (make topology-test, on
PostgreSQL), not part of the ordinary suite: without TOPOLOGY=1 its modules are not
collected (rather than skipped)."""

from __future__ import annotations

import os

collect_ignore_glob = [] if os.environ.get("TOPOLOGY") == "1" else ["test_*.py"]
