"""checker.cli: exit codes, one-line errors, formats and output; the pipeline is replaced by a fake."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from checker import __version__, pipeline
from checker.cli import Format, app
from checker.errors import ModelError
from checker.records import Document, DocumentStatus, Report
from checker.report import FORMATS

runner = CliRunner()


class FakeCheck:
    """Stands in for ``pipeline.check``: records its arguments, returns the fixture's findings."""

    def __init__(self, report: Report, error: Exception | None = None) -> None:
        self.report = report
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self,
        documents: Sequence[Document],
        *,
        threshold: float | None = None,
        skipped: Sequence[DocumentStatus] = (),
        on_stage: Callable[[str, int, int], None] | None = None,
        nli: bool = True,
    ) -> Report:
        self.calls.append(
            {"documents": list(documents), "threshold": threshold, "skipped": list(skipped), "nli": nli}
        )
        if self.error:
            raise self.error
        statuses = [DocumentStatus(d.id, d.source, d.date, d.path, "checked") for d in documents]
        return Report(
            documents=statuses + list(skipped),
            statements=self.report.statements,
            speakers=self.report.speakers,
            contradictions=self.report.contradictions,
            threshold=0.5 if threshold is None else threshold,
        )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, report: Report) -> FakeCheck:
    fake = FakeCheck(report)
    monkeypatch.setattr(pipeline, "check", fake)
    return fake


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text('The minister said, "The ceasefire is holding."', encoding="utf-8")
    return path


def stderr_lines(result: Any) -> list[str]:
    return result.stderr.splitlines()


def assert_one_line_error(result: Any, code: int, *needles: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith("checker: error: ")
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["statements", "--help"], ["-h"]])
def test_help(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_check_help_lists_formats() -> None:
    out = runner.invoke(app, ["check", "--help"]).stdout
    for fmt in FORMATS:
        assert fmt in out
    assert tuple(f.value for f in Format) == FORMATS


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"checker {__version__}"


def test_missing_path(tmp_path: Path, fake: FakeCheck) -> None:
    missing = tmp_path / "nope.txt"
    result = runner.invoke(app, ["check", str(missing)])
    assert_one_line_error(result, 2, str(missing), "no such file or directory")
    assert fake.calls == []


@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n \n", "contains only whitespace"),
        ("blob.txt", b"\x00\x01\x02binary\x00", "looks like a binary file"),
        ("paper.pdf", b"%PDF-1.4\n...", "looks like a PDF, not text"),
        ("latin.txt", "Caf\xe9".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at offset 3)"),
    ],
)
def test_unreadable_single_input(
    tmp_path: Path, fake: FakeCheck, name: str, data: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(app, ["check", str(path)])
    assert_one_line_error(result, 1, str(path), problem)
    assert fake.calls == []


def test_unknown_format(good: Path, fake: FakeCheck) -> None:
    result = runner.invoke(app, ["check", "--format", "xml", str(good)])
    assert_one_line_error(result, 2, "'xml'", "table", "json", "jsonl", "markdown", "html")
    assert "Value error" not in result.stderr


@pytest.mark.parametrize(
    "args, needle",
    [
        (["check"], "Missing argument"),
        (["check", "--bogus", "x"], "--bogus"),
        (["check", "--threshold", "2", "x"], "threshold"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], needle: str) -> None:
    assert_one_line_error(runner.invoke(app, args), 2, needle)


def test_check_json(good: Path, fake: FakeCheck) -> None:
    result = runner.invoke(app, ["check", str(good), "--threshold", "0.7"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)  # not a terminal: json by default
    assert data["threshold"] == 0.7 and len(data["contradictions"]) == 1
    assert fake.calls[0]["threshold"] == 0.7
    assert [d.id for d in fake.calls[0]["documents"]] == ["good"]
    assert fake.calls[0]["nli"] is True


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format(good: Path, fake: FakeCheck, fmt: str) -> None:
    for command in ("check", "statements"):
        result = runner.invoke(app, [command, "-f", fmt, str(good)])
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip()


def test_empty_jsonl_is_empty(monkeypatch: pytest.MonkeyPatch, good: Path, empty_report: Report) -> None:
    monkeypatch.setattr(pipeline, "check", FakeCheck(empty_report))
    result = runner.invoke(app, ["check", "-f", "jsonl", str(good)])
    assert result.exit_code == 0 and result.stdout == ""


def test_statements_json(good: Path, fake: FakeCheck) -> None:
    result = runner.invoke(app, ["statements", str(good)])
    assert result.exit_code == 0
    assert fake.calls[0]["nli"] is False
    data = json.loads(result.stdout)
    assert [s["name"] for s in data["speakers"]] == ["The minister", "Hamas", "An official"]


def test_some_inputs_skipped_exit_3(tmp_path: Path, good: Path, fake: FakeCheck) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(app, ["check", str(good), str(empty)])
    assert result.exit_code == 3
    assert stderr_lines(result) == [f"checker: skipped {empty}: is empty"]
    data = json.loads(result.stdout)
    assert [(d["id"], d["status"]) for d in data["documents"]] == [("good", "checked"), ("empty", "skipped")]
    assert [s.id for s in fake.calls[0]["skipped"]] == ["empty"]


def test_nothing_readable_among_several(tmp_path: Path, fake: FakeCheck) -> None:
    (tmp_path / "a.txt").write_text("")
    (tmp_path / "b.txt").write_bytes(b"\x00")
    result = runner.invoke(app, ["check", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        "checker: error: no readable documents among 2 inputs (2 skipped): "
        f"{tmp_path / 'a.txt'}: is empty | "
        f"{tmp_path / 'b.txt'}: looks like a binary file, not text (it contains NUL bytes)"
    ]
    assert fake.calls == []


def test_empty_directory(tmp_path: Path, fake: FakeCheck) -> None:
    assert_one_line_error(runner.invoke(app, ["check", str(tmp_path)]), 1, "no documents found")


def test_stdin(fake: FakeCheck) -> None:
    result = runner.invoke(app, ["check", "-"], input="The mayor said the bridge is safe.\n")
    assert result.exit_code == 0, result.stderr
    (doc,) = fake.calls[0]["documents"]
    assert doc.id == "stdin" and doc.text == "The mayor said the bridge is safe.\n"


def test_output_file(tmp_path: Path, good: Path, fake: FakeCheck) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["check", str(good), "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "The minister" in page
    md = tmp_path / "report.md"
    runner.invoke(app, ["check", str(good), "-o", str(md), "-f", "markdown"])
    assert md.read_text(encoding="utf-8").startswith("# Contradictions")


def test_unwritable_output(tmp_path: Path, good: Path, fake: FakeCheck) -> None:
    result = runner.invoke(app, ["check", str(good), "-o", str(tmp_path / "no" / "dir" / "out.json")])
    assert_one_line_error(result, 1, "cannot write")


def test_checker_error_from_pipeline(monkeypatch: pytest.MonkeyPatch, good: Path, report: Report) -> None:
    monkeypatch.setattr(
        pipeline, "check", FakeCheck(report, ModelError("NLI model not found at /x; train it"))
    )
    result = runner.invoke(app, ["check", str(good)])
    assert_one_line_error(result, 1, "NLI model not found at /x; train it")


def test_unexpected_error(monkeypatch: pytest.MonkeyPatch, good: Path, report: Report) -> None:
    monkeypatch.setattr(pipeline, "check", FakeCheck(report, RuntimeError("boom\nsecond line")))
    result = runner.invoke(app, ["check", str(good)])
    assert_one_line_error(result, 1, "RuntimeError: boom second line (run with --debug for a traceback)")
    result = runner.invoke(app, ["check", "--debug", str(good)])
    assert isinstance(result.exception, RuntimeError)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checker.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_real_process_errors_are_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\xff\x00")
    for args, code in [
        ([str(tmp_path / "nope.txt")], 2),
        ([str(binary)], 1),
        (["-f", "xml", str(binary)], 2),
    ]:
        proc = run_cli("check", *args)
        assert proc.returncode == code, proc.stderr
        assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("checker: error: "), proc.stderr
        assert "Traceback" not in proc.stderr and proc.stdout == ""
