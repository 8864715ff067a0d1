"""Bytes to text: binary formats named, UTF-8/UTF-16 with or without a BOM, a declared HTML charset, and
Windows-1252 as a guess that is said."""

from __future__ import annotations

import re
from typing import NamedTuple

from checker import config

SNIFF_BYTES = 8192
_CONTROL_SHARE = 0.1
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x20)) | {0x7F}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def human_size(n: int) -> str:
    """``12_300_000 -> "12.3 MB"`` (decimal units, as in the limit's setting)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB"
    return f"{n} bytes"


def too_large(size: int, max_bytes: int) -> str:
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


def sniff_binary(data: bytes) -> str | None:
    """The reason ``data`` is not text, or None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"looks like {what}"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        return None  # UTF-16: NUL bytes are expected
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return "looks like a binary file, not text (it contains NUL bytes)"
    if head and sum(b in _CONTROL_BYTES for b in head) / len(head) > _CONTROL_SHARE:
        return "looks like a binary file, not text (many control characters)"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when ``data`` looks like mostly-ASCII UTF-16 without a BOM."""
    head = data[: SNIFF_BYTES & ~1]
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
    reason = sniff_binary(data)
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
