"""checker.io: files, directories, stdin and JSONL into Documents; per-document problems as skips."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from files import write

from checker import config
from checker.errors import InputError, UsageError
from checker.io import documents_from_strings, html_to_text, human_size, load_inputs, read_text
from checker.records import Document

HTML = """<!DOCTYPE html><html><head><title>Page title</title><style>p { color: red }</style></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<header><h1>Site name</h1></header>
<article><h1>Truce&nbsp;talks &amp; more</h1>
<p>The   minister
said, &ldquo;The ceasefire is holding.&rdquo;<br>Next line</p>
<script>var s = "<p>not text</p>";</script>
<ul><li>one</li><li>two</li></ul>
<div>Text with <b>bold</b> and <i>italic</i>.</div></article>
<aside>Related stories</aside><footer>(c) 2024</footer><noscript>Enable JS</noscript></body></html>
"""


def load_one(path: Path, **kw: object) -> Document:
    docs, skipped = load_inputs([str(path)], **kw)
    assert skipped == [], skipped
    assert len(docs) == 1
    return docs[0]


def skip_reason(path: Path, **kw: object) -> str:
    docs, skipped = load_inputs([str(path)], **kw)
    assert docs == []
    assert len(skipped) == 1 and skipped[0].status == "skipped"
    return skipped[0].reason


def test_txt(tmp_path: Path) -> None:
    p = write(tmp_path / "story.txt", "First paragraph.\r\nSecond one.\n")
    doc = load_one(p)
    assert doc == Document(id="story", text="First paragraph.\nSecond one.\n", path=str(p))


def test_md_and_utf8_bom(tmp_path: Path) -> None:
    p = write(tmp_path / "notes.md", "\ufeff# Title\n\nThe mayor said “yes”.".encode())
    assert load_one(p).text == "# Title\n\nThe mayor said “yes”."


def test_utf16_with_bom(tmp_path: Path) -> None:
    p = write(tmp_path / "wide.txt", "Hé said so.".encode("utf-16"))
    assert load_one(p).text == "Hé said so."


def test_html_visible_text(tmp_path: Path) -> None:
    doc = load_one(write(tmp_path / "page.html", HTML))
    assert doc.id == "page"
    assert doc.text == (
        "Truce talks & more\n"
        "The minister said, “The ceasefire is holding.”\n"
        "Next line\n"
        "one\n"
        "two\n"
        "Text with bold and italic."
    )
    for dropped in ("Home", "Site name", "not text", "Related", "(c)", "Enable JS", "Page title", "color"):
        assert dropped not in doc.text


def test_html_unclosed_head_and_pre() -> None:
    assert html_to_text("<html><head><title>t</title><body><p>Body text</p>") == "Body text"
    assert html_to_text("<p>a</p><pre>x  y</pre><p>b&lt;c</p>") == "a\nx y\nb<c"


def test_html_without_visible_text_is_skipped(tmp_path: Path) -> None:
    reason = skip_reason(write(tmp_path / "blank.htm", "<html><script>x()</script></html>"))
    assert reason == "has no visible text"


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"id": "a1", "text": "One said this.", "source": "Times", "date": "2024-09-26", "url": "u"}
        ),
        "",
        json.dumps({"text": "Two said that."}),
    ]
    p = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    docs, skipped = load_inputs([str(p)])
    assert skipped == []
    assert docs[0] == Document(
        "a1", "One said this.", source="Times", date="2024-09-26", url="u", path=str(p)
    )
    assert docs[1].id == "batch:3" and docs[1].source is None


def test_jsonl_bad_lines_name_the_line(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "ok", "text": "Fine."}), "{not json", json.dumps({"id": "x"}), "[1, 2]"]
    p = write(tmp_path / "mixed.jsonl", "\n".join(lines))
    docs, skipped = load_inputs([str(p)])
    assert [d.id for d in docs] == ["ok"]
    reasons = [s.reason for s in skipped]
    assert reasons[0].startswith("line 2: not valid JSON")
    assert reasons[1] == 'line 3: has no "text" field'
    assert reasons[2].startswith("line 4: expected a JSON object")
    assert all(s.path == str(p) for s in skipped)


def test_stdin_text_and_bytes() -> None:
    docs, skipped = load_inputs(["-"], stdin=io.StringIO("From a pipe.\n"))
    assert skipped == [] and docs == [Document(id="stdin", text="From a pipe.\n")]
    docs, _ = load_inputs(["-"], stdin=io.BytesIO("Café said.".encode()))
    assert docs[0].text == "Café said."
    _, skipped = load_inputs(["-"], stdin=io.StringIO("  \n"))
    assert skipped[0].id == "stdin" and skipped[0].reason == "contains only whitespace"


def test_directory_recursion_sorted_with_unsupported(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "B text.")
    write(tmp_path / "a.md", "A text.")
    write(tmp_path / "sub" / "c.html", "<p>C text.</p>")
    write(tmp_path / "sub" / "image.png", b"\x89PNG\r\n")
    write(tmp_path / ".hidden" / "secret.txt", "hidden")
    write(tmp_path / ".DS_Store", b"\x00\x01")
    docs, skipped = load_inputs([str(tmp_path)])
    assert [d.id for d in docs] == ["a", "b", "c"]
    assert [d.text for d in docs] == ["A text.", "B text.", "C text."]
    assert docs[2].path == str(tmp_path / "sub" / "c.html")
    assert len(skipped) == 1 and skipped[0].reason.startswith("unsupported file type '.png'")


@pytest.mark.parametrize("content, reason", [("", "is empty"), (" \n\t\n", "contains only whitespace")])
def test_empty_and_whitespace(tmp_path: Path, content: str, reason: str) -> None:
    assert skip_reason(write(tmp_path / "e.txt", content)) == reason


def test_binary(tmp_path: Path) -> None:
    reason = skip_reason(write(tmp_path / "blob.txt", bytes(range(256)) * 4))
    assert reason.startswith("looks like a binary file, not text")
    reason = skip_reason(write(tmp_path / "ctrl.txt", b"\x01\x02\x03\x04abc\x05\x06\x07\x08"))
    assert reason.startswith("looks like a binary file")


def test_pdf_magic(tmp_path: Path) -> None:
    reason = skip_reason(write(tmp_path / "paper.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"))
    assert reason.startswith("looks like a PDF, not text")


def test_windows_1252_is_detected_and_said(tmp_path: Path) -> None:
    doc = load_one(write(tmp_path / "old.txt", "Caf\xe9 owner said \u201cno\u201d.".encode("cp1252")))
    assert doc.text == "Caf\xe9 owner said \u201cno\u201d."
    assert doc.note == "not valid UTF-8 (byte 0xe9 at offset 3); read as Windows-1252"
    assert load_one(write(tmp_path / "new.txt", "Caf\xe9.".encode())).note == ""


@pytest.mark.parametrize(
    "data, reason",
    [
        # 0x81 is undefined in Windows-1252
        (b"He said \x81\x81 so.", "not valid UTF-8 (byte 0x81 at offset 8), nor Windows-1252"),
        # KOI8-R Russian decodes as Windows-1252 only to a run of accented letters: not plausible
        ("Привет, мир".encode("koi8-r"), "not plausibly Windows-1252"),
    ],
)
def test_undecodable_bytes_say_which_encoding_problem(tmp_path: Path, data: bytes, reason: str) -> None:
    got = skip_reason(write(tmp_path / "odd.txt", data))
    assert got.startswith("not valid UTF-8 (byte 0x") and reason in got
    assert got.endswith("convert it to UTF-8")


def test_utf16_without_bom(tmp_path: Path) -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        doc = load_one(write(tmp_path / f"{codec}.txt", "The mayor said so.".encode(codec)))
        assert doc.text == "The mayor said so."
        assert doc.note == f"read as {codec.upper()} (no byte-order mark)"


@pytest.mark.parametrize(
    "data, what",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
    ],
)
def test_binary_formats_are_named(tmp_path: Path, data: bytes, what: str) -> None:
    assert skip_reason(write(tmp_path / "renamed.txt", data)).startswith(f"looks like {what}, not text")


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9</p></body></html>'
    assert load_one(write(tmp_path / "old.html", page.encode("latin-1"))).text == "Café"


def test_size_limit_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = write(tmp_path / "big.txt", "x" * 2_000)
    assert config.max_document_bytes() == config.MAX_DOCUMENT_BYTES == 5_000_000
    monkeypatch.setenv("CHECKER_MAX_BYTES", "1000")
    assert skip_reason(p).startswith("is 2.0 kB, over the 1.0 kB limit")
    docs, skipped = documents_from_strings(["y" * 1_001])
    assert docs == [] and skipped[0].reason.startswith("is 1.0 kB, over the 1.0 kB limit")
    for bad in ("abc", "0", "-5", "1.5"):
        monkeypatch.setenv("CHECKER_MAX_BYTES", bad)
        with pytest.raises(UsageError, match="CHECKER_MAX_BYTES=.*expected a positive whole number"):
            load_inputs([str(p)])


def test_size_limit(tmp_path: Path) -> None:
    p = write(tmp_path / "big.txt", "x" * 2_000)
    assert skip_reason(p, max_bytes=1_000) == "is 2.0 kB, over the 1.0 kB limit (set CHECKER_MAX_BYTES)"
    assert human_size(12_300_000) == "12.3 MB" and human_size(5_000_000) == "5.0 MB"
    assert load_one(p, max_bytes=2_000).text == "x" * 2_000


def test_missing_path_raises(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Text.")
    with pytest.raises(InputError) as info:
        load_inputs([str(good), str(tmp_path / "nope.txt")])
    assert info.value.problem == "no such file or directory"
    assert str(info.value) == f"{tmp_path / 'nope.txt'}: no such file or directory"


def test_one_bad_document_does_not_stop_the_others(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Text.")
    bad = write(tmp_path / "bad.txt", b"\x00\x00")
    docs, skipped = load_inputs([str(bad), str(good)])
    assert [d.id for d in docs] == ["good"]
    assert [(s.id, s.path) for s in skipped] == [("bad", str(bad))]


def test_duplicate_stems_get_unique_ids(tmp_path: Path) -> None:
    a = write(tmp_path / "x" / "report.txt", "A.")
    b = write(tmp_path / "y" / "report.md", "B.")
    c = write(tmp_path / "z" / "report.txt", "C.")
    docs, _ = load_inputs([str(a), str(b), str(c)])
    assert [d.id for d in docs] == ["report", "report-2", "report-3"]
    assert [d.text for d in docs] == ["A.", "B.", "C."]
    again, _ = load_inputs([str(a), str(b), str(c)])
    assert [d.id for d in again] == [d.id for d in docs]


def test_read_text_raises_input_error(tmp_path: Path) -> None:
    assert read_text(write(tmp_path / "t.txt", "Hi.")) == "Hi."
    with pytest.raises(InputError, match="is empty"):
        read_text(write(tmp_path / "e.txt", ""))
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "missing.txt")


def test_documents_from_strings(tmp_path: Path) -> None:
    p = write(tmp_path / "file.txt", "From a file.")
    given = Document(id="mine", text="Given.")
    docs, skipped = documents_from_strings(["Literal one.", str(p), "Literal two.", given, "  "])
    assert [(d.id, d.text) for d in docs] == [
        ("text-1", "Literal one."),
        ("file", "From a file."),
        ("text-2", "Literal two."),
        ("mine", "Given."),
    ]
    assert [(s.id, s.reason) for s in skipped] == [("text-3", "contains only whitespace")]


def test_jsonl_error_messages_read_well(tmp_path: Path) -> None:
    p = write(tmp_path / "feed.jsonl", '{"text": "unclosed\r\n{"a" 1}\n{"text": "x"} trailing\n')
    assert [s.reason for s in load_inputs([str(p)])[1]] == [
        "line 1: not valid JSON at column 10 (Unterminated string)",
        "line 2: not valid JSON at column 6 (Expecting ':' delimiter)",
        "line 3: not valid JSON at column 15 (Extra data)",
    ]
