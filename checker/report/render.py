"""Output formats for a ``Report``: table, json, jsonl, markdown, html; contradictions or statements."""

from __future__ import annotations

import html
import json
from io import StringIO
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from checker.errors import UsageError
from checker.records import DocumentStatus, Report, Speaker, Statement

FORMATS = ("table", "json", "jsonl", "markdown", "html")
VIEWS = ("check", "statements")

_CLIP = 300
_QUOTED_KINDS = ("direct",)
_QUOTES = "\"“”‘’'«»"


def render(
    report: Report,
    fmt: str,
    *,
    view: str = "check",
    width: int | None = None,
    color: bool = False,
    standalone: bool = True,
) -> str:
    """``report`` as text in ``fmt`` (one of ``FORMATS``); ``view`` is "check" or "statements".

    ``width``/``color`` apply to the table; ``standalone`` makes html a whole page, not a fragment.
    """
    if view not in VIEWS:
        raise UsageError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if fmt == "table":
        return to_table(report, view=view, width=width, color=color)
    if fmt == "json":
        return to_json(report, view=view)
    if fmt == "jsonl":
        return to_jsonl(report, view=view)
    if fmt == "markdown":
        return to_markdown(report, view=view)
    if fmt == "html":
        return to_html(report, view=view, standalone=standalone)
    raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------------------------------------------------
# Shared pieces


def speaker_groups(report: Report) -> list[tuple[Speaker, list[Statement]]]:
    """Statements grouped by speaker, in the report's speaker order; unresolved speakers come last."""
    by_id: dict[str, list[Statement]] = {s.id: [] for s in report.speakers}
    orphans: dict[str, list[Statement]] = {}
    for st in report.statements:
        if st.speaker_id in by_id:
            by_id[st.speaker_id].append(st)
        else:
            orphans.setdefault(st.speaker_id or st.speaker_name or st.speaker.text, []).append(st)
    groups = [(sp, by_id[sp.id]) for sp in report.speakers]
    for sts in orphans.values():
        first = sts[0]
        mentions = tuple((st.doc_id, st.speaker.start, st.speaker.end, st.speaker.text) for st in sts)
        name = first.speaker_name or first.speaker.text
        groups.append((Speaker(first.speaker_id, name, "unresolved", mentions), sts))
    return groups


def _checked(report: Report) -> list[DocumentStatus]:
    return [d for d in report.documents if d.status == "checked"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(report: Report, view: str = "check") -> str:
    """One sentence: what was found among how much."""
    n_st, n_docs = len(report.statements), len(_checked(report))
    among = f"{_plural(n_st, 'statement')} from {_plural(n_docs, 'document')}"
    if view == "statements":
        if not report.statements:
            return f"No statements found in {_plural(n_docs, 'document')}."
        n_sp = sum(1 for _, sts in speaker_groups(report) if sts)
        return f"{_plural(n_st, 'statement')} by {_plural(n_sp, 'speaker')} in {_plural(n_docs, 'document')}."
    if not report.contradictions:
        return f"No contradictions found among {among}."
    return (
        f"{_plural(len(report.contradictions), 'contradiction')} found among {among} "
        f"(threshold {report.threshold:g})."
    )


def _skipped_lines(report: Report) -> list[str]:
    return [f"{d.path or d.id}: {d.reason}" for d in report.skipped]


def _clip(text: str, limit: int = _CLIP) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _said(st: Statement, limit: int = _CLIP) -> str:
    content = _clip(st.content.text, limit)
    if st.kind in _QUOTED_KINDS and content[:1] not in _QUOTES:
        content = f"“{content}”"
    return content


def _restates(st: Statement) -> bool:
    """Whether the proposition says something the content does not show as is (worth a second line)."""

    def norm(text: str) -> str:
        return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).split())

    return bool(st.proposition) and norm(st.proposition) != norm(st.content.text)


def _doc_label(report: Report, doc_id: str) -> str:
    doc = next((d for d in report.documents if d.id == doc_id), None)
    extra = [x for x in (doc.source, doc.date) if x] if doc else []
    return f"{doc_id} ({', '.join(extra)})" if extra else doc_id


def _speaker_label(st: Statement) -> str:
    return st.speaker_name or st.speaker.text


def _statements_payload(report: Report) -> dict[str, Any]:
    return {
        "documents": [d.to_dict() for d in report.documents],
        "speakers": [
            {**sp.to_dict(), "statements": [st.to_dict() for st in sts]} for sp, sts in speaker_groups(report)
        ],
    }


# ---------------------------------------------------------------------------------------------------------
# JSON


def to_json(report: Report, *, view: str = "check") -> str:
    """The check view is ``report.to_json()``; the statements view is ``{"documents", "speakers"}``."""
    if view == "statements":
        return json.dumps(_statements_payload(report), indent=2, ensure_ascii=False)
    return report.to_json()


def to_jsonl(report: Report, *, view: str = "check") -> str:
    """One JSON object per line: contradictions (with their ``rank``) or statements."""
    if view == "statements":
        rows: list[dict[str, Any]] = [st.to_dict() for _, sts in speaker_groups(report) for st in sts]
    else:
        rows = [{"rank": i, **c.to_dict()} for i, c in enumerate(report.contradictions, start=1)]
    return "".join(_one_json_line(row) + "\n" for row in rows)


#: Line breaks that ``json.dumps`` leaves raw but ``str.splitlines`` and some JSONL readers split on.
_LINE_BREAKS = {c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"}


def _one_json_line(row: dict[str, Any]) -> str:
    """``row`` as JSON on exactly one line, whatever line-break characters its text holds."""
    return json.dumps(row, ensure_ascii=False).translate(str.maketrans(_LINE_BREAKS))


# ---------------------------------------------------------------------------------------------------------
# Table (rich)


def _asserts(st: Statement) -> str:
    """For a denial, what it asserts ("X denied he had approved P" asserts "X had not approved P")."""
    return _clip(st.proposition) if st.negated and _restates(st) else ""


def _statement_cell(report: Report, st: Statement) -> Text:
    asserts = _asserts(st)
    return Text.assemble(
        (_speaker_label(st), "bold"),
        " ",
        (st.cue.text, "italic"),
        "\n",
        _said(st),
        *((("\n→ asserts: " + asserts, "yellow"),) if asserts else ()),
        "\n",
        (_doc_label(report, st.doc_id), "dim"),
    )


def to_table(report: Report, *, view: str = "check", width: int | None = None, color: bool = False) -> str:
    """A rich table rendered to a string; plain text unless ``color``."""
    buf = StringIO()
    console = Console(
        file=buf,
        width=width or 120,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    if view == "statements":
        _print_statements_table(console, report)
    else:
        _print_check_table(console, report)
    skipped = _skipped_lines(report)
    if skipped:
        console.print(Text(f"Skipped {_plural(len(skipped), 'document')}:", style="bold yellow"))
        for line in skipped:
            console.print(Text(f"  {line}"))
    return buf.getvalue()


def _print_check_table(console: Console, report: Report) -> None:
    if not report.contradictions:
        console.print(Text(summary(report)))
        return
    table = Table(title="Contradictions", show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Reason", min_width=8, max_width=20)
    table.add_column("Statement A", ratio=1, overflow="fold")
    table.add_column("Statement B", ratio=1, overflow="fold")
    for i, c in enumerate(report.contradictions, start=1):
        reason = Text(c.reason)
        if c.explanation:
            reason.append("\n" + _clip(c.explanation, 160), style="dim")
        table.add_row(
            str(i),
            f"{c.score:.2f}",
            reason,
            _statement_cell(report, c.a),
            _statement_cell(report, c.b),
        )
    console.print(table)
    console.print(Text(summary(report)))


def _print_statements_table(console: Console, report: Report) -> None:
    groups = [(sp, sts) for sp, sts in speaker_groups(report) if sts]
    if not groups:
        console.print(Text(summary(report, "statements")))
        return
    table = Table(title="Statements by speaker", expand=True)
    table.add_column("Speaker", max_width=22)
    table.add_column("Cue", max_width=14)
    table.add_column("Statement", ratio=1)
    table.add_column("Document [offsets]", max_width=30, overflow="fold")
    for sp, sts in groups:
        for j, st in enumerate(sts):
            who = Text.assemble((sp.name, "bold"), "\n", (sp.kind, "dim")) if j == 0 else Text("")
            said = Text(_said(st))
            if _restates(st):
                said.append("\n→ " + _clip(st.proposition), style="dim")
            if st.negated:
                said.append("\n(denial)", style="dim")
            where = Text.assemble(
                _doc_label(report, st.doc_id), "\n", (f"[{st.content.start}:{st.content.end}]", "dim")
            )
            table.add_row(who, Text(st.cue.text), said, where)
        table.add_section()
    console.print(table)
    console.print(Text(summary(report, "statements")))


# ---------------------------------------------------------------------------------------------------------
# Markdown

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|<>#"})


def _md(text: str) -> str:
    """Escape user text for a Markdown table cell or list item."""
    return " ".join(text.split()).translate(_MD_SPECIAL)


def _md_statement(report: Report, st: Statement) -> str:
    asserts = f" (asserts: {_md(_asserts(st))})" if _asserts(st) else ""
    return (
        f"**{_md(_speaker_label(st))}** *{_md(st.cue.text)}* {_md(_said(st))}{asserts} "
        f"— {_md(_doc_label(report, st.doc_id))}"
    )


def _md_skipped(report: Report) -> list[str]:
    skipped = _skipped_lines(report)
    if not skipped:
        return []
    return ["", "## Skipped documents", "", *(f"- {_md(line)}" for line in skipped)]


def to_markdown(report: Report, *, view: str = "check") -> str:
    """A readable Markdown table (contradictions) or a list per speaker (statements)."""
    lines: list[str]
    if view == "statements":
        lines = ["# Statements", "", summary(report, "statements")]
        for sp, sts in speaker_groups(report):
            if not sts:
                continue
            lines += ["", f"## {_md(sp.name)} ({_md(sp.kind)})", ""]
            for st in sts:
                item = (
                    f"- *{_md(st.cue.text)}*: {_md(_said(st))} — {_md(_doc_label(report, st.doc_id))} "
                    f"[{st.content.start}:{st.content.end}]"
                )
                lines.append(item)
                if _restates(st):
                    lines.append(f"  - proposition: {_md(_clip(st.proposition))}")
    else:
        lines = ["# Contradictions", "", summary(report)]
        if report.contradictions:
            lines += ["", "| # | Score | Reason | Statement A | Statement B |", "|---:|---:|---|---|---|"]
            for i, c in enumerate(report.contradictions, start=1):
                reason = _md(c.reason) + (f": {_md(_clip(c.explanation, 160))}" if c.explanation else "")
                lines.append(
                    f"| {i} | {c.score:.2f} | {reason} | {_md_statement(report, c.a)} "
                    f"| {_md_statement(report, c.b)} |"
                )
    lines += _md_skipped(report)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------
# HTML

_CSS = """
.checker-report { font-family: system-ui, sans-serif; font-size: 14px; line-height: 1.4; }
.checker-report table { border-collapse: collapse; margin: 0.5em 0; }
.checker-report th, .checker-report td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top;
  text-align: left; }
.checker-report th { background: #f3f3f3; }
.checker-report .num { text-align: right; white-space: nowrap; }
.checker-report .speaker { font-weight: bold; }
.checker-report .cue { font-style: italic; }
.checker-report .meta, .checker-report .explanation { color: #666; font-size: 90%; }
.checker-report .skipped { color: #8a5a00; }
""".strip()


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_statement(report: Report, st: Statement) -> str:
    return (
        f'<span class="speaker">{_h(_speaker_label(st))}</span> <span class="cue">{_h(st.cue.text)}</span>'
        f'<br><span class="content">{_h(_said(st, 2000))}</span>'
        + (f'<br><span class="asserts">→ asserts: {_h(st.proposition)}</span>' if _asserts(st) else "")
        + f'<br><span class="meta">{_h(_doc_label(report, st.doc_id))} '
        f"[{st.content.start}:{st.content.end}]</span>"
    )


def _html_table(headers: list[str], rows: list[list[str]], numeric: int = 0) -> str:
    head = "".join(f"<th>{_h(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{c}</td>' if j < numeric else f"<td>{c}</td>" for j, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(report: Report, *, view: str = "check", standalone: bool = False) -> str:
    """An HTML fragment (for notebooks) or, with ``standalone``, a whole page. All user text is escaped."""
    parts = ['<div class="checker-report">', f"<style>{_CSS}</style>"]
    if view == "statements":
        parts += ["<h2>Statements</h2>", f"<p>{_h(summary(report, 'statements'))}</p>"]
        for sp, sts in speaker_groups(report):
            if not sts:
                continue
            parts.append(f'<h3>{_h(sp.name)} <span class="meta">({_h(sp.kind)})</span></h3>')
            rows = []
            for st in sts:
                said = _h(_said(st, 2000))
                if _restates(st):
                    said += f'<br><span class="meta">→ {_h(st.proposition)}</span>'
                rows.append(
                    [
                        f'<span class="cue">{_h(st.cue.text)}</span>',
                        said,
                        _h(_doc_label(report, st.doc_id)),
                        f"{st.content.start}:{st.content.end}",
                    ]
                )
            parts.append(_html_table(["Cue", "Statement", "Document", "Offsets"], rows))
    else:
        parts += ["<h2>Contradictions</h2>", f"<p>{_h(summary(report))}</p>"]
        if report.contradictions:
            rows = []
            for i, c in enumerate(report.contradictions, start=1):
                reason = _h(c.reason)
                if c.explanation:
                    reason += f'<br><span class="explanation">{_h(c.explanation)}</span>'
                rows.append(
                    [
                        str(i),
                        f"{c.score:.2f}",
                        reason,
                        _html_statement(report, c.a),
                        _html_statement(report, c.b),
                    ]
                )
            parts.append(_html_table(["#", "Score", "Reason", "Statement A", "Statement B"], rows, numeric=2))
    skipped = _skipped_lines(report)
    if skipped:
        items = "".join(f"<li>{_h(line)}</li>" for line in skipped)
        parts.append(f'<h3>Skipped documents</h3><ul class="skipped">{items}</ul>')
    parts.append("</div>")
    fragment = "\n".join(parts)
    if not standalone:
        return fragment
    title = "checker: statements" if view == "statements" else "checker: contradictions"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_h(title)}</title>\n</head>\n<body>\n{fragment}\n</body>\n</html>\n"
    )
