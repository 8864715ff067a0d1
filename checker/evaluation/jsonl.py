"""Reading the labelled JSONL files measurement uses: one JSON object a line, a bad line named by number."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from checker.errors import InputError


def objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` of each non-blank line; ``InputError`` for a missing file, a line that is
    not JSON or not an object."""
    if not path.is_file():
        raise InputError(str(path), "no such file")
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(str(path), f"line {n}: not valid JSON ({e.msg})") from None
        if not isinstance(raw, dict):
            raise InputError(str(path), f"line {n}: expected a JSON object")
        yield n, raw


def digest(text: str) -> str:
    """The short hash a label file records of a proposition its reader saw (``"sha1"``): a label holds for
    the proposition it was given to, not for whatever a later version extracts from the same span."""
    return hashlib.sha1(text.encode()).hexdigest()[:12]
