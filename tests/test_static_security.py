"""Accepted bandit findings (issue 15, item 13; make security): each ``# nosec`` names the
check it silences and says why, in place: ``x = ...  # why  # nosec B105``,
``x = ...  # nosec B105: why``, a comment on the line just above, or, for an assert
(B101), the assert's own message."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from config import PROJECT_ROOT

NOSEC = re.compile(r"#\s*nosec\b(?P<ids>[\s,]*(?:B\d{3}[\s,]*)*)(?P<rest>.*)$")
IDS = re.compile(r"\s*B\d{3}(?:\s*,\s*B\d{3})*\s*")
ASSERT_WITH_MESSAGE = re.compile(r"\s*assert\b.*,\s*f?[\"']")


def scanned() -> list[Path]:
    """What make security gives bandit: advisor/ and config.py."""
    return [*sorted((PROJECT_ROOT / "advisor").rglob("*.py")), PROJECT_ROOT / "config.py"]


def unexplained(path: Path, root: Path = PROJECT_ROOT) -> list[str]:
    """The lines of ``path`` whose ``# nosec`` has no check id or no reason."""
    found = []
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT or "nosec" not in token.string:
            continue
        marker = NOSEC.search(token.string)
        before = token.string[: marker.start()].strip(" #") if marker else ""
        after = marker.group("rest").strip() if marker else ""
        named = bool(marker and IDS.fullmatch(marker.group("ids")))
        number = token.start[0]
        above = lines[number - 2].strip() if number > 1 else ""
        reason = (
            bool(before)
            or (after.startswith(":") and bool(after[1:].strip()))
            or (above.startswith("#") and "nosec" not in above)
            or bool(ASSERT_WITH_MESSAGE.match(lines[number - 1]))
        )
        if not (named and reason):
            where = f"{path.relative_to(root)}:{number}"
            found.append(f"{where}: {token.string}")
    return found


def test_every_nosec_names_its_check_and_says_why() -> None:
    missing = [line for path in scanned() for line in unexplained(path)]
    assert missing == []


def test_the_rule_tells_explained_from_bare(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'A = "a"  # an event name  # nosec B105\n'
        'B = "b"  # nosec B105: an event name\n'
        'C = "c"  # nosec B105\n'
        'D = "d"  # nosec: no check named\n'
        'E = "e"  # nosec B105:\n'
        "# The line below is checked on import, not a security check.\n"
        "assert A  # nosec B101\n"
        'assert B, "a message"  # nosec B101\n'
        "assert C  # nosec B101\n"
    )
    lines = [line.split(": ", 1)[1] for line in unexplained(sample, tmp_path)]
    assert lines == ["# nosec B105", "# nosec: no check named", "# nosec B105:", "# nosec B101"]
