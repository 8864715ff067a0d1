"""Bad input and hard-but-valid text, fed to the real CLI with the real models (issue 7).

Each error case asserts the exit code and that stderr is exactly one line, ``checker: error: <file>:
<problem>``, naming the file and the problem, with no traceback. Each hard case asserts that the text is
checked (exit 0) and what comes out of it. The CLI runs in-process (``CliRunner``, the models loaded once)
except where a fresh process matters: a model path from the environment, ``--debug``, and determinism.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from files import write
from typer.testing import CliRunner

from checker import config
from checker.cli import app
from checker.stages.segment import chunks

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

ENGLISH = 'The minister said, "The ceasefire is holding." Hamas denied that the ceasefire was holding.\n'
FRENCH = (
    "Le Premier ministre a déclaré jeudi que le gouvernement partageait les objectifs de l'initiative "
    "américaine pour un cessez-le-feu temporaire avec le Hezbollah, après avoir été critiqué au sein de sa "
    "coalition.\n"
)


# ---------------------------------------------------------------------------------------------------------
# Helpers


def cli(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env)


def process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m checker.cli ARGS`` in a fresh process, this checkout first on the path."""
    full = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    full.pop("CI", None)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**full, **(env or {})},
    )


def assert_one_line_error(code: int, got_code: int, stderr: str, *needles: str) -> str:
    """Exit ``code``, exactly one stderr line ``checker: error: ...`` holding each needle, no traceback."""
    assert got_code == code, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("checker: error: "), lines
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert "Traceback" not in stderr
    return lines[0]


def error_of(result: Any, code: int, *needles: str) -> str:
    assert result.stdout == ""
    return assert_one_line_error(code, result.exit_code, result.stderr, *needles)


def checked(path: Path, *more: Path) -> dict:
    """The JSON report of ``checker check`` on files that must all be checked: exit 0, nothing on stderr."""
    result = cli("check", "-f", "json", str(path), *map(str, more))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert_spans_point_at_their_text(report, [path, *more])
    return report


def assert_spans_point_at_their_text(report: dict, paths: list[Path]) -> None:
    texts = {d["id"]: p.read_text(encoding="utf-8") for d, p in zip(report["documents"], paths, strict=False)}
    for st in report["statements"]:
        text = texts[st["doc_id"]]
        for key in ("speaker", "cue", "content"):
            span = st[key]
            assert 0 <= span["start"] <= span["end"] <= len(text)
            assert text[span["start"] : span["end"]] == span["text"], (st["id"], key)
    for speaker in report["speakers"]:
        for m in speaker["mentions"]:
            assert texts[m["doc_id"]][m["start"] : m["end"]] == m["text"]


def by_speaker(report: dict, speaker_text: str) -> list[dict]:
    return [s for s in report["statements"] if s["speaker"]["text"] == speaker_text]


# ---------------------------------------------------------------------------------------------------------
# 2. Clear errors: one line naming the file and the problem


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    good = write(tmp_path / "good.txt", ENGLISH)
    error_of(
        cli("check", str(good), str(missing)), 2, f"checker: error: {missing}: no such file or directory"
    )


@pytest.mark.parametrize(
    "files, needles",
    [
        (
            {"scan.pdf": b"%PDF-1.4", "photo.png": b"\x89PNG\r\n"},
            ["no readable documents (2 skipped: ", "photo.png: unsupported file type '.png'",
             "scan.pdf: unsupported file type '.pdf'"],
        ),
        (
            {"a.txt": "", "b.md": " \n", "c.txt": ""},
            ["(3 skipped: a.txt, c.txt: is empty | b.md: contains only whitespace)"],
        ),
        ({}, ["no documents found (looked for .txt"]),
    ],
    ids=["only-pdf-and-png", "only-empty-files", "empty-directory"],
)  # fmt: skip
def test_directory_with_no_readable_documents(tmp_path: Path, files: dict, needles: list[str]) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, data in files.items():
        write(folder / name, data)
    error_of(cli("check", str(folder)), 1, f"checker: error: {folder}", *needles)


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "is empty"),
        (b" \n\t\r\n  \n", "contains only whitespace"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "looks like a PDF, not text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "looks like a PNG image, not text"),
        (b"The minister\x00said\x00\x01\x02", "looks like a binary file, not text (it contains NUL bytes)"),
        (b"He said \x81\x8d\x8f so.", "not valid UTF-8 (byte 0x81 at offset 8), nor Windows-1252"),
        (
            "Привет, мир, сказал он.".encode("koi8-r"),
            "not valid UTF-8 (byte 0xf0 at offset 0), and not plausibly Windows-1252; convert it to UTF-8",
        ),
    ],
    ids=["empty", "whitespace", "pdf-renamed", "png-renamed", "nul-bytes", "undecodable", "not-cp1252"],
)
def test_unreadable_file(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path / "article.txt", data)
    error_of(cli("check", str(path)), 1, f"checker: error: {path}: {problem}")


def test_windows_1252_is_detected_and_said(tmp_path: Path) -> None:
    text = "The mayor said, \u201cThe caf\xe9 bridge is safe.\u201d\n"
    path = write(tmp_path / "legacy.txt", text.encode("cp1252"))
    result = cli("check", "-f", "json", str(path))
    note = "not valid UTF-8 (byte 0x93 at offset 16); read as Windows-1252"
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"checker: note: {path}: {note}"]
    report = json.loads(result.stdout)
    assert report["documents"][0]["status"] == "checked" and report["documents"][0]["note"] == note
    (st,) = report["statements"]
    assert (
        st["content"]["text"] == "The caf\xe9 bridge is safe."
        and text[st["content"]["start"] - 1] == "\u201c"
    )


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig"])
def test_byte_order_marks_are_decoded(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path / "wide.txt", ENGLISH.encode(codec))
    result = cli("statements", "-f", "json", str(path))
    assert result.exit_code == 0 and result.stderr == ""
    statements = [st for sp in json.loads(result.stdout)["speakers"] for st in sp["statements"]]
    assert {st["content"]["text"] for st in statements} == {
        "The ceasefire is holding.",
        "the ceasefire was holding",
    }


def test_invalid_jsonl_names_the_line_and_checks_the_rest(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "good", "text": ENGLISH}), '{"id": "bad", "text": "unclosed', json.dumps([1])]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    result = cli("check", "-f", "json", str(path))
    assert result.exit_code == config.EXIT_SKIPPED == 3
    assert result.stderr.splitlines() == [
        f"checker: skipped {path}: line 2: not valid JSON at column 23 (Unterminated string)",
        f"checker: skipped {path}: line 3: expected a JSON object, got list",
    ]
    docs = json.loads(result.stdout)["documents"]
    assert [(d["id"], d["status"]) for d in docs] == [
        ("good", "checked"),
        ("feed:2", "skipped"),
        ("feed:3", "skipped"),
    ]
    assert docs[0]["statements"] == 2 and docs[1]["reason"].startswith("line 2: not valid JSON")


def test_jsonl_with_no_valid_line(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", '{"text": 1}\nnot json\n')
    error_of(
        cli("check", str(path)), 1,
        f"checker: error: {path}: no readable documents (2 skipped: ",
        'line 1: "text" must be a string | line 2: not valid JSON',
    )  # fmt: skip


def test_document_over_the_size_limit(tmp_path: Path) -> None:
    big = write(tmp_path / "dump.txt", ENGLISH * 3)
    small = write(tmp_path / "small.txt", ENGLISH)
    limit = {"CHECKER_MAX_BYTES": "200"}
    too_large = f"is {len(ENGLISH) * 3} bytes, over the 200 bytes limit (set CHECKER_MAX_BYTES)"
    error_of(
        cli("check", str(big), env=limit), 1,
        f"checker: error: {big}: {too_large}",
    )  # fmt: skip
    result = cli("check", "-f", "json", str(small), str(big), env=limit)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [f"checker: skipped {big}: {too_large}"]
    assert [d["status"] for d in json.loads(result.stdout)["documents"]] == ["checked", "skipped"]


SIZE, PROCESSES = "expected a positive whole number of bytes", "expected a number of processes, 1 or more"
BAD_SETTINGS = [
    *[("CHECKER_MAX_BYTES", v, SIZE) for v in ("lots", "0", "-1", "2.5")],
    *[("CHECKER_PARSE_PROCESSES", v, PROCESSES) for v in ("two", "0", "-1", "1.5")],
]


@pytest.mark.parametrize(("name", "value", "expected"), BAD_SETTINGS)
def test_a_bad_setting_is_a_usage_error(tmp_path: Path, name: str, value: str, expected: str) -> None:
    small = write(tmp_path / "small.txt", ENGLISH)
    error_of(cli("check", str(small), env={name: value}), 2, f"checker: error: {name}='{value}': {expected}")


def test_size_limit_default_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`CHECKER_MAX_BYTES` (default {config.MAX_DOCUMENT_BYTES:,} bytes" in readme


def test_missing_model(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", ENGLISH)
    missing = tmp_path / "no-model"
    proc = process("-m", "checker.cli", "check", str(good), env={"CHECKER_NLI_MODEL": str(missing)})
    assert proc.stdout == ""
    assert_one_line_error(
        1, proc.returncode, proc.stderr, f"checker: error: {missing}: NLI model not found (no such directory"
    )


def test_corrupt_model_file(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", ENGLISH)
    broken = tmp_path / "broken-model"
    broken.mkdir()
    for f in config.NLI_MODEL_DIR.glob("*.json"):
        shutil.copy(f, broken)
    (broken / "model.safetensors").write_bytes(b"this is not a safetensors file" * 10)
    proc = process("-m", "checker.cli", "check", str(good), env={"CHECKER_NLI_MODEL": str(broken)})
    assert proc.stdout == ""
    assert_one_line_error(
        1, proc.returncode, proc.stderr,
        f"checker: error: {broken}: cannot load the NLI model, its files are corrupt or incomplete",
    )  # fmt: skip


@pytest.mark.parametrize(
    "args, needles",
    [
        (["check", "--format", "yaml"], ["'--format'", "'yaml' is not one of 'table', 'json'"]),
        (["statements", "-f", "pdf"], ["'pdf' is not one of"]),
        (["check", "--threshold", "2"], ["'--threshold'", "less than or equal to 1"]),
        (["check", "--threshold", "high"], ["'--threshold'", "should be a valid number"]),
        (["check", "--colour"], ["No such option: --colour"]),
    ],
)
def test_unknown_option_value(tmp_path: Path, args: list[str], needles: list[str]) -> None:
    good = write(tmp_path / "good.txt", ENGLISH)
    error_of(cli(*args, str(good)), 2, *needles)


def test_a_bad_document_never_stops_the_others(tmp_path: Path) -> None:
    bad = write(tmp_path / "a-scan.txt", b"%PDF-1.4 binary")
    good = write(tmp_path / "b-story.txt", ENGLISH)
    result = cli("check", "-f", "json", str(bad), str(good))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"checker: skipped {bad}: looks like a PDF, not text; extract its text first (e.g. pdftotext)"
    ]
    docs = json.loads(result.stdout)["documents"]
    assert [(d["id"], d["status"], d["statements"]) for d in docs] == [
        ("b-story", "checked", 2),
        ("a-scan", "skipped", 0),
    ]
    assert docs[1]["reason"].startswith("looks like a PDF") and docs[1]["path"] == str(bad)


# ---------------------------------------------------------------------------------------------------------
# 3. Text that is hard but valid: handled, not refused


def test_unbalanced_quotes(tmp_path: Path) -> None:
    text = (
        'The minister said, "The ceasefire is holding. Talks will continue next week.\n'
        "Hamas denied that the ceasefire was holding, a spokesman told reporters.\n"
        'The mayor said, "We will'
    )
    report = checked(write(tmp_path / "unbalanced.txt", text))
    (minister,) = by_speaker(report, "The minister")
    assert minister["kind"] == "direct"
    assert minister["content"]["text"] == "The ceasefire is holding. Talks will continue next week."
    assert [s["content"]["text"] for s in by_speaker(report, "Hamas")] == ["the ceasefire was holding"]


def test_mixed_curly_and_straight_quotes(tmp_path: Path) -> None:
    text = 'The mayor said, “The bridge is safe." The engineer said, "The bridge is not safe.”\n'
    report = checked(write(tmp_path / "mixed.txt", text))
    assert [s["content"]["text"] for s in by_speaker(report, "The mayor")] == ["The bridge is safe."]
    assert [s["content"]["text"] for s in by_speaker(report, "The engineer")] == ["The bridge is not safe."]
    assert all(s["kind"] == "direct" for s in report["statements"])


def test_quote_over_several_paragraphs(tmp_path: Path) -> None:
    text = (
        "The minister said: “The ceasefire is holding across the whole border region.\n\n"
        "“We will not accept any violation of the agreement by any side,” he added.\n"
    )
    report = checked(write(tmp_path / "paragraphs.txt", text))
    (minister,) = by_speaker(report, "The minister")
    content = minister["content"]["text"]
    assert content.startswith("The ceasefire is holding") and content.endswith("by any side")
    assert "\n\n“We will not accept" in content


def test_no_sentence_punctuation(tmp_path: Path) -> None:
    text = "the minister said the ceasefire is holding and the army said the ceasefire is not holding\n"
    report = checked(write(tmp_path / "flat.txt", text))
    assert [(s["speaker"]["text"], s["content"]["text"]) for s in report["statements"]] == [
        ("the minister", "the ceasefire is holding"),
        ("the army", "the ceasefire is not holding"),
    ]


def test_sentence_longer_than_the_model_window_is_split_not_truncated(tmp_path: Path) -> None:
    places = "north south east west central upper lower coastal inland river valley mountain".split()
    filler = " and ".join(f"the delegates from the {w} district met in the old hall" for w in places * 2)
    text = (
        f"The minister said that {filler}, and that the army has withdrawn from the border.\n\n"
        "The general said that the army has not withdrawn from the border.\n"
    )
    report = checked(write(tmp_path / "long.txt", text))
    (long,) = by_speaker(report, "The minister")
    words = long["proposition"].split()
    assert len(words) > 256 > config.NLI_MAX_WORDS  # past the model's window in tokens, let alone words
    assert long["content"]["text"].startswith("the delegates from the north district")
    assert long["content"]["text"].endswith("the army has withdrawn from the border")
    assert " ".join(words).endswith("the army has withdrawn from the border")
    assert len(chunks(long["proposition"])) > 1
    # the claim at the very end, beyond the window, is compared and contradicted: nothing was truncated
    (found,) = report["contradictions"]
    assert {found["a"]["id"], found["b"]["id"]} == {long["id"], by_speaker(report, "The general")[0]["id"]}


def test_text_in_another_language_is_out_of_scope(tmp_path: Path) -> None:
    french = write(tmp_path / "lemonde.txt", FRENCH)
    reason = (
        "does not look like English (common English words are 3% of its 34 words); "
        "checker handles English text only"
    )
    error_of(cli("check", str(french)), 1, f"checker: error: {french}: {reason}")
    english = write(tmp_path / "times.txt", ENGLISH)
    result = cli("check", "-f", "json", str(english), str(french))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [f"checker: skipped {french}: {reason}"]
    docs = json.loads(result.stdout)["documents"]
    assert [(d["id"], d["status"]) for d in docs] == [("times", "checked"), ("lemonde", "skipped")]


def test_html_scripts_styles_and_navigation_never_reach_statements(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html><head><title>Site said SECRET-TITLE</title>
<style>.x { color: red } /* The designer said SECRET-STYLE is final. */</style>
<script>var a = "The spy said that SECRET-SCRIPT is true.";</script></head>
<body><nav>Home | The menu said SECRET-NAV is here.</nav>
<article><p>The minister said, &ldquo;The ceasefire is holding.&rdquo;</p>
<p>Hamas denied that the ceasefire was holding.</p></article>
<script>document.write("<p>The bot said SECRET-LATE is live.</p>")</script>
<footer>The lawyers said SECRET-FOOTER.</footer></body></html>"""
    path = write(tmp_path / "page.html", page)
    result = cli("check", "-f", "json", str(path))
    assert result.exit_code == 0 and result.stderr == ""
    assert "SECRET" not in result.stdout
    report = json.loads(result.stdout)
    assert [(s["speaker"]["text"], s["content"]["text"]) for s in report["statements"]] == [
        ("The minister", "The ceasefire is holding."),
        ("Hamas", "the ceasefire was holding"),
    ]


# ---------------------------------------------------------------------------------------------------------
# --debug, and determinism


_FAIL = (
    "import sys, checker.pipeline as p\n"
    "def boom(*a, **k): raise RuntimeError('unexpected failure')\n"
    "p.check = boom\n"
    "from checker.cli import app\n"
    "sys.argv = ['checker'] + sys.argv[1:]\n"
    "app()\n"
)


def test_debug_shows_the_traceback_of_an_unexpected_error(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", ENGLISH)
    plain = process("-c", _FAIL, "check", str(good))
    assert_one_line_error(
        1,
        plain.returncode,
        plain.stderr,
        "RuntimeError: unexpected failure (run with --debug for a traceback)",
    )
    debug = process("-c", _FAIL, "check", "--debug", str(good))
    assert debug.returncode == 1
    assert (
        "Traceback (most recent call last)" in debug.stderr
        and "RuntimeError: unexpected failure" in debug.stderr
    )


def test_same_input_gives_byte_identical_json(tmp_path: Path) -> None:
    a = write(
        tmp_path / "a.txt", 'The mayor said, "The bridge is safe." Officials said 40 people were hurt.\n'
    )
    b = write(
        tmp_path / "b.txt", 'The engineer said, "The bridge is not safe." Police said 12 people were hurt.\n'
    )
    c = write(tmp_path / "c.jsonl", json.dumps({"id": "wire", "text": ENGLISH, "source": "Wire"}) + "\n")
    args = ("check", "-f", "json", str(a), str(b), str(c))
    fresh = process("-m", "checker.cli", *args)
    assert fresh.returncode == 0, fresh.stderr
    warm = [cli(*args) for _ in range(2)]  # in this process, models and embedding cache warm
    assert [r.stdout for r in warm] == [fresh.stdout, fresh.stdout]
    report = json.loads(fresh.stdout)
    assert len(report["documents"]) == 3 and len(report["contradictions"]) >= 1
