"""Turning user inputs (files, directories, stdin, JSONL, literal strings) into ``Document`` records."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO, TextIO

from checker import config
from checker.errors import InputError, MissingPathError
from checker.language import not_english_reason
from checker.records import Document, DocumentStatus

SUPPORTED_SUFFIXES = config.TEXT_SUFFIXES + config.HTML_SUFFIXES + config.JSONL_SUFFIXES
STDIN_ID = "stdin"

_SNIFF_BYTES = 8192
_CONTROL_SHARE = 0.1
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x20)) | {0x7F}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------------------
# Bytes -> text


def human_size(n: int) -> str:
    """``12_300_000 -> "12.3 MB"`` (decimal units, as in the limit's setting)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB"
    return f"{n} bytes"


def _too_large(size: int, max_bytes: int) -> str:
    return f"is {human_size(size)}, over the {human_size(max_bytes)} limit (set CHECKER_MAX_BYTES)"


def _sniff_binary(data: bytes) -> str | None:
    """The reason ``data`` is not text, or None."""
    if data.startswith(b"%PDF"):
        return "looks like a PDF, not text; extract its text first (e.g. pdftotext)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with BOM: NUL bytes are expected
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return "looks like a binary file, not text (it contains NUL bytes)"
    if head and sum(b in _CONTROL_BYTES for b in head) / len(head) > _CONTROL_SHARE:
        return "looks like a binary file, not text (many control characters)"
    return None


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; newlines become ``\\n``.

    Raises ``ValueError`` with a user-facing reason when the bytes are binary or undecodable.
    """
    reason = _sniff_binary(data)
    if reason:
        raise ValueError(reason)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise ValueError(f"not valid UTF-16 (at offset {e.start}); convert it to UTF-8") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            text = _declared_charset(data) if html else None
            if text is None:
                bad = data[e.start]
                raise ValueError(
                    f"not valid UTF-8 (byte 0x{bad:02x} at offset {e.start}); convert it to UTF-8"
                ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _declared_charset(data: bytes) -> str | None:
    """Decode an HTML page by its ``<meta charset>``, when it declares one other than UTF-8."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        return data.decode(m.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None


# ---------------------------------------------------------------------------------------------------------
# HTML -> visible text


class _VisibleText(HTMLParser):
    DROP = frozenset(
        {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "head", "svg",
         "iframe", "button", "select", "canvas"}
    )  # fmt: skip
    BLOCK = frozenset(
        {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "article", "section", "blockquote",
         "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "pre", "hr", "main", "figure",
         "figcaption", "title", "body", "address", "details", "summary", "caption"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and "head" in self.dropping:
            del self.dropping[self.dropping.index("head") :]  # a <head> never closed
        if tag in self.DROP:
            self.dropping.append(tag)
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK and not self.dropping:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.dropping:
            while self.dropping.pop() != tag:
                pass
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    """The visible text of an HTML page: one line per block element, entities unescaped."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text()


# ---------------------------------------------------------------------------------------------------------
# Files


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        if path.is_file():
            size = path.stat().st_size
            if size > max_bytes:
                raise ValueError(_too_large(size, max_bytes))
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except PermissionError:
        raise ValueError("permission denied") from None
    except IsADirectoryError:
        raise ValueError("is a directory") from None
    except OSError as e:
        raise ValueError(e.strerror or str(e)) from None
    if len(data) > max_bytes:
        raise ValueError(f"is over the {human_size(max_bytes)} limit (set CHECKER_MAX_BYTES)")
    return data


def _checked_text(text: str) -> str:
    if not text.strip():
        raise ValueError("is empty" if not text else "contains only whitespace")
    return text


def read_text(path: str | os.PathLike[str], *, max_bytes: int = config.MAX_DOCUMENT_BYTES) -> str:
    """The text of one ``.txt``/``.md``/``.html`` (or other plain-text) file; ``InputError`` if unreadable."""
    p = Path(path)
    if not p.exists():
        raise InputError(str(path), "no such file or directory")
    try:
        data = _read_bytes(p, max_bytes)
        is_html = p.suffix.lower() in config.HTML_SUFFIXES
        text = decode_bytes(data, html=is_html)
        if is_html:
            if not text.strip():
                raise ValueError("is empty")
            text = html_to_text(text)
            if not text:
                raise ValueError("has no visible text")
        return _checked_text(text)
    except ValueError as e:
        raise InputError(str(path), str(e)) from None


def _read_stream(stream: TextIO | BinaryIO, max_bytes: int) -> str:
    buffer = getattr(stream, "buffer", None)
    raw = (buffer or stream).read(max_bytes + 1)
    if isinstance(raw, str):
        if len(raw.encode("utf-8", "surrogatepass")) > max_bytes:
            raise ValueError(f"is over the {human_size(max_bytes)} limit (set CHECKER_MAX_BYTES)")
        return _checked_text(raw.replace("\r\n", "\n").replace("\r", "\n"))
    if len(raw) > max_bytes:
        raise ValueError(f"is over the {human_size(max_bytes)} limit (set CHECKER_MAX_BYTES)")
    return _checked_text(decode_bytes(raw))


def _jsonl_entries(path: Path, given: str, stem: str, max_bytes: int) -> Iterator[Document | DocumentStatus]:
    """One Document per valid line, one skipped DocumentStatus per invalid line."""
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
            reason = _sniff_binary(head)
            if reason:
                yield _skip(stem, given, reason)
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
        yield _skip(stem, given, "permission denied")
        return
    except OSError as e:
        yield _skip(stem, given, e.strerror or str(e))
        return
    if not found:
        yield _skip(stem, given, "is empty (no JSON lines)")


def _jsonl_line(raw: bytes, number: int, given: str, stem: str, max_bytes: int) -> Document | DocumentStatus:
    default_id = f"{stem}:{number}"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return _skip(
            default_id,
            given,
            f"line {number}: not valid UTF-8 (byte 0x{raw[e.start]:02x}); convert it to UTF-8",
        )
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return _skip(default_id, given, f"line {number}: not valid JSON ({e.msg} at column {e.colno})")
    if not isinstance(obj, dict):
        return _skip(default_id, given, f"line {number}: expected a JSON object, got {type(obj).__name__}")
    doc_id = obj.get("id")
    doc_id = default_id if doc_id is None or doc_id == "" else str(doc_id)
    source, date, url = (None if obj.get(k) is None else str(obj[k]) for k in ("source", "date", "url"))
    meta = {"source": source, "date": date}
    text = obj.get("text")
    if text is None:
        return _skip(doc_id, given, f'line {number}: has no "text" field', **meta)
    if not isinstance(text, str):
        return _skip(doc_id, given, f'line {number}: "text" must be a string', **meta)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return _skip(doc_id, given, f"line {number}: text {_too_large(size, max_bytes)}", **meta)
    if not text.strip():
        return _skip(doc_id, given, f"line {number}: text is empty", **meta)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(id=doc_id, text=text, path=given, url=url, **meta)


def _skip(
    doc_id: str, path: str | None, reason: str, source: str | None = None, date: str | None = None
) -> DocumentStatus:
    return DocumentStatus(id=doc_id, source=source, date=date, path=path, status="skipped", reason=reason)


def _file_entries(path: Path, given: str, max_bytes: int) -> Iterator[Document | DocumentStatus]:
    stem = path.stem or path.name
    if path.suffix.lower() in config.JSONL_SUFFIXES:
        yield from _jsonl_entries(path, given, stem, max_bytes)
        return
    try:
        yield Document(id=stem, text=read_text(path, max_bytes=max_bytes), path=given)
    except InputError as e:
        yield _skip(stem, given, e.problem)


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
            yield _skip(
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
            return _skip(entry.id, entry.path, reason, entry.source, entry.date)
    return entry


def _split(entries: list[Document | DocumentStatus]) -> tuple[list[Document], list[DocumentStatus]]:
    entries = [_in_scope(e) for e in _unique_ids(entries)]
    documents = [e for e in entries if isinstance(e, Document)]
    return documents, [e for e in entries if isinstance(e, DocumentStatus)]


def load_inputs(
    paths: Sequence[str],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_bytes: int = config.MAX_DOCUMENT_BYTES,
) -> tuple[list[Document], list[DocumentStatus]]:
    """Read files, directories (recursively) and ``-`` (stdin) into documents.

    A path that does not exist raises ``InputError``. Any problem with one document (empty, binary,
    undecodable, too large, a bad JSONL line) is returned as a skipped ``DocumentStatus`` instead.
    """
    for given in paths:
        if given != "-" and not os.path.lexists(given):
            raise MissingPathError(given, "no such file or directory")
    entries: list[Document | DocumentStatus] = []
    for given in paths:
        if given == "-":
            try:
                text = _read_stream(stdin if stdin is not None else sys.stdin, max_bytes)
                entries.append(Document(id=STDIN_ID, text=text))
            except ValueError as e:
                entries.append(_skip(STDIN_ID, None, str(e)))
        elif not os.path.exists(given):
            entries.append(_skip(Path(given).name, given, "is a broken symbolic link"))
        else:
            entries.extend(_path_entries(given, max_bytes))
    return _split(entries)


def documents_from_strings(
    items: Sequence[str | Document], *, max_bytes: int = config.MAX_DOCUMENT_BYTES
) -> tuple[list[Document], list[DocumentStatus]]:
    """For the library: each item is a ``Document``, an existing file or directory, or literal text.

    Literal texts get ids ``text-1``, ``text-2``, ... in order.
    """
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
            if not item.strip():
                entries.append(_skip(doc_id, None, "is empty" if not item else "contains only whitespace"))
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
