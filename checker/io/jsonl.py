"""JSONL feeds: one document per line, ``{"id", "text", "source"?, "date"?, "url"?}``; a bad line is
skipped with its reason, the others are read."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from checker.io.encodings import SNIFF_BYTES, sniff_binary, too_large
from checker.records import Document, DocumentStatus


def jsonl_entries(path: Path, given: str, stem: str, max_bytes: int) -> Iterator[Document | DocumentStatus]:
    """One Document per valid line, one skipped DocumentStatus per invalid line."""
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
            reason = sniff_binary(head)
            if reason:
                yield skipped(stem, given, reason)
                return
            f.seek(0)
            found = False
            for number, raw in enumerate(f, start=1):
                if number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                if not raw.strip():
                    continue
                found = True
                yield _jsonl_line(raw, number, given, stem, max_bytes)
    except PermissionError:
        yield skipped(stem, given, "permission denied")
        return
    except OSError as e:
        yield skipped(stem, given, e.strerror or str(e))
        return
    if not found:
        yield skipped(stem, given, "is empty (no JSON lines)")


def _jsonl_line(raw: bytes, number: int, given: str, stem: str, max_bytes: int) -> Document | DocumentStatus:
    default_id = f"{stem}:{number}"
    try:
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as e:
        return skipped(
            default_id,
            given,
            f"line {number}: not valid UTF-8 (byte 0x{raw[e.start]:02x}); convert it to UTF-8",
        )
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        what = re.sub(r"(?: starting)? at$", "", e.msg)  # "Unterminated string starting at" -> "... string"
        return skipped(default_id, given, f"line {number}: not valid JSON at column {e.colno} ({what})")
    if not isinstance(obj, dict):
        return skipped(default_id, given, f"line {number}: expected a JSON object, got {type(obj).__name__}")
    doc_id = obj.get("id")
    doc_id = default_id if doc_id is None or doc_id == "" else str(doc_id)
    source, date, url = (None if obj.get(k) is None else str(obj[k]) for k in ("source", "date", "url"))
    meta = {"source": source, "date": date}
    text = obj.get("text")
    if text is None:
        return skipped(doc_id, given, f'line {number}: has no "text" field', **meta)
    if not isinstance(text, str):
        return skipped(doc_id, given, f'line {number}: "text" must be a string', **meta)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return skipped(doc_id, given, f"line {number}: text {too_large(size, max_bytes)}", **meta)
    if not text.strip():
        return skipped(doc_id, given, f"line {number}: text is empty", **meta)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(id=doc_id, text=text, path=given, url=url, **meta)


def skipped(
    doc_id: str, path: str | None, reason: str, source: str | None = None, date: str | None = None
) -> DocumentStatus:
    """The status of an input that was not checked, and why."""
    return DocumentStatus(id=doc_id, source=source, date=date, path=path, status="skipped", reason=reason)
