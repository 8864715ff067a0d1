"""Turning user inputs (files, directories, stdin, JSONL, literal strings) into ``Document`` records."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, TextIO

from checker import config
from checker.errors import InputError, MissingPathError
from checker.io.encodings import Decoded, decode, human_size, too_large
from checker.io.html import html_to_text
from checker.io.jsonl import jsonl_entries, skipped
from checker.io.language import not_english_reason
from checker.records import Document, DocumentStatus

SUPPORTED_SUFFIXES = config.TEXT_SUFFIXES + config.HTML_SUFFIXES + config.JSONL_SUFFIXES
STDIN_ID = "stdin"


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        if path.is_file():
            size = path.stat().st_size
            if size > max_bytes:
                raise ValueError(too_large(size, max_bytes))
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except PermissionError:
        raise ValueError("permission denied") from None
    except IsADirectoryError:
        raise ValueError("is a directory") from None
    except OSError as e:
        raise ValueError(e.strerror or str(e)) from None
    if len(data) > max_bytes:
        raise ValueError(f"is over the {human_size(max_bytes)} limit (set {config.MAX_BYTES_ENV})")
    return data


def _checked_text(text: str) -> str:
    if not text.strip():
        raise ValueError("is empty" if not text else "contains only whitespace")
    return text


def read_text(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> str:
    """The text of one ``.txt``/``.md``/``.html`` (or other plain-text) file; ``InputError`` if unreadable."""
    return _read_file(Path(path), str(path), max_bytes).text


def _read_file(p: Path, given: str, max_bytes: int | None) -> Decoded:
    if not p.exists():
        raise InputError(given, "no such file or directory")
    try:
        data = _read_bytes(p, config.max_document_bytes() if max_bytes is None else max_bytes)
        is_html = p.suffix.lower() in config.HTML_SUFFIXES
        text, note = decode(data, html=is_html)
        if is_html:
            if not text.strip():
                raise ValueError("is empty")
            text = html_to_text(text)
            if not text:
                raise ValueError("has no visible text")
        return Decoded(_checked_text(text), note)
    except ValueError as e:
        raise InputError(given, str(e)) from None


def _read_stream(stream: TextIO | BinaryIO, max_bytes: int) -> Decoded:
    buffer = getattr(stream, "buffer", None)
    raw = (buffer or stream).read(max_bytes + 1)
    if isinstance(raw, str):
        if len(raw.encode("utf-8", "surrogatepass")) > max_bytes:
            raise ValueError(f"is over the {human_size(max_bytes)} limit (set {config.MAX_BYTES_ENV})")
        return Decoded(_checked_text(raw.replace("\r\n", "\n").replace("\r", "\n")))
    if len(raw) > max_bytes:
        raise ValueError(f"is over the {human_size(max_bytes)} limit (set {config.MAX_BYTES_ENV})")
    text, note = decode(raw)
    return Decoded(_checked_text(text), note)


def _file_entries(path: Path, given: str, max_bytes: int) -> Iterator[Document | DocumentStatus]:
    stem = path.stem or path.name
    if path.suffix.lower() in config.JSONL_SUFFIXES:
        yield from jsonl_entries(path, given, stem, max_bytes)
        return
    try:
        text, note = _read_file(path, given, max_bytes)
        yield Document(id=stem, text=text, path=given, note=note)
    except InputError as e:
        yield skipped(stem, given, e.problem)


def _directory_files(root: Path) -> Iterator[Path]:
    """Files under ``root``, recursively and sorted; hidden files and directories are left out."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _path_entries(given: str, max_bytes: int) -> Iterator[Document | DocumentStatus]:
    path = Path(given)
    if not path.is_dir():
        yield from _file_entries(path, given, max_bytes)
        return
    for file in _directory_files(path):
        if file.suffix.lower() in SUPPORTED_SUFFIXES:
            yield from _file_entries(file, str(file), max_bytes)
        else:
            what = f"'{file.suffix}'" if file.suffix else "(no suffix)"
            yield skipped(
                file.stem or file.name,
                str(file),
                f"unsupported file type {what}; expected one of {', '.join(SUPPORTED_SUFFIXES)}",
            )


def _unique_ids(entries: list[Document | DocumentStatus]) -> list[Document | DocumentStatus]:
    """Make ids unique, in input order: the first keeps its id, later ones get ``-2``, ``-3``, ..."""
    seen: set[str] = set()
    out: list[Document | DocumentStatus] = []
    for entry in entries:
        new_id, n = entry.id, 1
        while new_id in seen:
            n += 1
            new_id = f"{entry.id}-{n}"
        seen.add(new_id)
        if new_id != entry.id:
            entry = replace(entry, id=new_id)
        out.append(entry)
    return out


def _in_scope(entry: Document | DocumentStatus) -> Document | DocumentStatus:
    """A document in another language is skipped with the reason, never checked by English models."""
    if isinstance(entry, Document):
        reason = not_english_reason(entry.text)
        if reason:
            return skipped(entry.id, entry.path, reason, entry.source, entry.date)
    return entry


def _split(entries: list[Document | DocumentStatus]) -> tuple[list[Document], list[DocumentStatus]]:
    entries = [_in_scope(e) for e in _unique_ids(entries)]
    documents = [e for e in entries if isinstance(e, Document)]
    return documents, [e for e in entries if isinstance(e, DocumentStatus)]


def load_inputs(
    paths: Sequence[str],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_bytes: int | None = None,
) -> tuple[list[Document], list[DocumentStatus]]:
    """Read files, directories (recursively) and ``-`` (stdin) into documents.

    A path that does not exist raises ``InputError``. Any problem with one document (empty, binary,
    undecodable, too large, a bad JSONL line) is returned as a skipped ``DocumentStatus`` instead.
    ``max_bytes`` defaults to ``config.max_document_bytes()``.
    """
    max_bytes = config.max_document_bytes() if max_bytes is None else max_bytes
    for given in paths:
        if given != "-" and not os.path.lexists(given):
            raise MissingPathError(given, "no such file or directory")
    entries: list[Document | DocumentStatus] = []
    for given in paths:
        if given == "-":
            try:
                text, note = _read_stream(stdin if stdin is not None else sys.stdin, max_bytes)
                entries.append(Document(id=STDIN_ID, text=text, note=note))
            except ValueError as e:
                entries.append(skipped(STDIN_ID, None, str(e)))
        elif not os.path.exists(given):
            entries.append(skipped(Path(given).name, given, "is a broken symbolic link"))
        else:
            entries.extend(_path_entries(given, max_bytes))
    return _split(entries)


def documents_from_strings(
    items: Sequence[str | Document], *, max_bytes: int | None = None
) -> tuple[list[Document], list[DocumentStatus]]:
    """For the library: each item is a ``Document``, an existing file or directory, or literal text.

    Literal texts get ids ``text-1``, ``text-2``, ... in order.
    """
    max_bytes = config.max_document_bytes() if max_bytes is None else max_bytes
    if isinstance(items, str | Document):
        items = [items]
    entries: list[Document | DocumentStatus] = []
    n_text = 0
    for item in items:
        if isinstance(item, Document):
            entries.append(item)
        elif _looks_like_path(item):
            entries.extend(_path_entries(item, max_bytes))
        else:
            n_text += 1
            doc_id = f"text-{n_text}"
            size = len(item.encode("utf-8", "surrogatepass"))
            if not item.strip():
                entries.append(skipped(doc_id, None, "is empty" if not item else "contains only whitespace"))
            elif size > max_bytes:
                entries.append(skipped(doc_id, None, too_large(size, max_bytes)))
            else:
                entries.append(Document(id=doc_id, text=item.replace("\r\n", "\n").replace("\r", "\n")))
    return _split(entries)


def _looks_like_path(item: str) -> bool:
    if not item or "\n" in item or len(item) > 4096:
        return False
    try:
        return os.path.exists(item)
    except (OSError, ValueError):
        return False
