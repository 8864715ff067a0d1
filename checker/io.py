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
from typing import BinaryIO, NamedTuple, TextIO

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
    return f"is {human_size(size)}, over the {human_size(max_bytes)} limit (set {config.MAX_BYTES_ENV})"


#: File signatures of common non-text formats, so that the reason can name what the file is.
_MAGIC = (
    (b"%PDF", "a PDF, not text; extract its text first (e.g. pdftotext)"),
    (b"\x89PNG", "a PNG image, not text"),
    (b"\xff\xd8\xff", "a JPEG image, not text"),
    (b"GIF8", "a GIF image, not text"),
    (b"PK\x03\x04", "a ZIP archive, not text (as are .docx, .xlsx, .epub); extract its text first"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file, not text (.doc, .xls); extract its text first"),
    (b"\x1f\x8b", "a gzip archive, not text; decompress it first"),
)
#: Legacy text decoded as Windows-1252 is accepted only when at most this share of its characters is
#: non-ASCII (English with a few accents or curly quotes); more suggests another encoding entirely.
_MAX_NON_ASCII_GUESSED = 0.2


def _sniff_binary(data: bytes) -> str | None:
    """The reason ``data`` is not text, or None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"looks like {what}"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        return None  # UTF-16: NUL bytes are expected
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return "looks like a binary file, not text (it contains NUL bytes)"
    if head and sum(b in _CONTROL_BYTES for b in head) / len(head) > _CONTROL_SHARE:
        return "looks like a binary file, not text (many control characters)"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when ``data`` looks like mostly-ASCII UTF-16 without a BOM."""
    head = data[: _SNIFF_BYTES & ~1]
    if len(head) < 4 or len(data) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.9 and nul_even < 0.1:
        return "utf-16-le"
    if nul_even > 0.9 and nul_odd < 0.1:
        return "utf-16-be"
    return None


class Decoded(NamedTuple):
    """Text decoded from bytes, and a note when its encoding had to be guessed (else "")."""

    text: str
    note: str = ""


def decode(data: bytes, *, html: bool = False) -> Decoded:
    """Decode UTF-8 (with or without BOM), UTF-16 (BOM or not), an HTML page's ``<meta charset>``, or
    else Windows-1252 when the bytes plausibly are (with a note saying so); newlines become ``\\n``.

    Raises ``ValueError`` with a user-facing reason when the bytes are binary or undecodable.
    """
    reason = _sniff_binary(data)
    if reason:
        raise ValueError(reason)
    note = ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise ValueError(f"not valid UTF-16 (at offset {e.start}); convert it to UTF-8") from None
    elif wide := _utf16_without_bom(data):
        try:
            text = data.decode(wide)
        except UnicodeDecodeError as e:
            raise ValueError(f"not valid UTF-16 (at offset {e.start}); convert it to UTF-8") from None
        note = f"read as {wide.upper()} (no byte-order mark)"
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            declared = _declared_charset(data) if html else None
            if declared is not None:
                text = declared
            else:
                problem = f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})"
                text = _windows_1252(data, problem)
                note = f"{problem}; read as Windows-1252"
    return Decoded(text.replace("\r\n", "\n").replace("\r", "\n"), note)


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """The text of ``data`` (see ``decode``), without the note."""
    return decode(data, html=html).text


def _windows_1252(data: bytes, problem: str) -> str:
    """``data`` as Windows-1252 (Latin-1's superset, the usual legacy encoding of English text), or
    ``ValueError`` with ``problem`` when that does not decode or does not look like text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError(f"{problem}, nor Windows-1252; convert it to UTF-8") from None
    letters = [c for c in text if not c.isspace()]
    if sum(ord(c) > 0x7F for c in letters) > _MAX_NON_ASCII_GUESSED * len(letters):
        raise ValueError(f"{problem}, and not plausibly Windows-1252; convert it to UTF-8")
    return text


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
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as e:
        return _skip(
            default_id,
            given,
            f"line {number}: not valid UTF-8 (byte 0x{raw[e.start]:02x}); convert it to UTF-8",
        )
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        what = re.sub(r"(?: starting)? at$", "", e.msg)  # "Unterminated string starting at" -> "... string"
        return _skip(default_id, given, f"line {number}: not valid JSON at column {e.colno} ({what})")
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
        text, note = _read_file(path, given, max_bytes)
        yield Document(id=stem, text=text, path=given, note=note)
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
                entries.append(_skip(STDIN_ID, None, str(e)))
        elif not os.path.exists(given):
            entries.append(_skip(Path(given).name, given, "is a broken symbolic link"))
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
                entries.append(_skip(doc_id, None, "is empty" if not item else "contains only whitespace"))
            elif size > max_bytes:
                entries.append(_skip(doc_id, None, _too_large(size, max_bytes)))
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
