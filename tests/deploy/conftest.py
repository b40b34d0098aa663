"""One migrated database for the deployment tests' server processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deploy.processes import migrated_database


@pytest.fixture(scope="package")
def served_database(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[str]:
    """A database of its own (beside the suite's), upgraded to head; its URL."""
    with migrated_database(database_url, tmp_path_factory.mktemp("deploy")) as url:
        yield url
