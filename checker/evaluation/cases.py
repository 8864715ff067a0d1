"""The labeled end-to-end set in ``eval/cases``: reading and validating its YAML cases and the gate's
thresholds (``eval/thresholds.json``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from checker import config
from checker.errors import InputError, UsageError
from checker.records import Document

#: Categories of the shipped set (a case in another set may use any name).
CATEGORIES = (
    "consent-denial", "negation", "antonym", "numeric", "reversal", "hedged", "reported-position",
    "paraphrase", "lexical-overlap",
)  # fmt: skip
#: Decision thresholds tried on the dev split to report the dev-optimal one.
SWEEP = tuple(round(0.05 * i, 2) for i in range(2, 20))
#: The split whose figures the gate checks when it is run.
DEFAULT_SPLIT = "default"

_CASE_KEYS = {"id", "category", "description", "documents", "statements", "contradictions"}
_DOC_KEYS = {"id", "source", "date", "text", "file"}
_STATEMENT_KEYS = {"id", "doc", "speaker", "aliases", "content", "occurrence"}


@dataclass(frozen=True)
class GoldStatement:
    """A labeled attributed statement: who (name and aliases) and what (a span of the document)."""

    id: str
    doc: str
    speaker: str
    aliases: tuple[str, ...]
    start: int
    end: int
    content: str


@dataclass(frozen=True)
class Case:
    """2-6 documents (the seed: 1), their gold statements, and the gold contradictions between them."""

    id: str
    category: str
    description: str
    split: str
    path: str
    documents: tuple[Document, ...]
    statements: tuple[GoldStatement, ...]
    contradictions: tuple[frozenset[str], ...]


# ---------------------------------------------------------------- loading


def _fail(path: Path | str, where: str, problem: str) -> InputError:
    return InputError(str(path), f"{where}: {problem}")


def _string(value: Any, path: Path, where: str, *, required: bool = True) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, "expected a non-empty string")
    return value


def _mapping(value: Any, path: Path, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, where, "expected a mapping")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(path, where, f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(value))
    if missing:
        raise _fail(path, where, f"missing field {missing[0]!r}")
    return value


def _list(value: Any, path: Path, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, where, "expected a list")
    return value


def _document(raw: Any, path: Path, where: str) -> Document:
    d = _mapping(raw, path, where, _DOC_KEYS, {"id", "source"})
    doc_id = _string(d["id"], path, f"{where}.id")
    if ("text" in d) == ("file" in d):
        raise _fail(path, where, "give exactly one of 'text' or 'file'")
    if "file" in d:
        file = (path.parent / _string(d["file"], path, f"{where}.file")).resolve()
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            raise _fail(path, f"{where}.file", f"cannot read {file}: {e.strerror or e}") from None
    else:
        text = _string(d["text"], path, f"{where}.text")
    text = text.replace("\r\n", "\n").rstrip("\n")
    return Document(
        id=doc_id,
        text=text,
        source=_string(d["source"], path, f"{where}.source"),
        date=_string(d.get("date"), path, f"{where}.date", required=False) or None,
        path=str(path),
    )


def _statement(raw: Any, path: Path, where: str, docs: dict[str, Document]) -> GoldStatement:
    s = _mapping(raw, path, where, _STATEMENT_KEYS, {"id", "doc", "speaker", "content"})
    sid = _string(s["id"], path, f"{where}.id")
    doc_id = _string(s["doc"], path, f"{where}.doc")
    if doc_id not in docs:
        raise _fail(path, f"{where}.doc", f"no document with id {doc_id!r}")
    aliases = tuple(_string(a, path, f"{where}.aliases") for a in _list(s.get("aliases", []), path, where))
    content = _string(s["content"], path, f"{where}.content")
    text = docs[doc_id].text
    starts = [m.start() for m in re.finditer(re.escape(content), text)]
    occurrence = s.get("occurrence")
    if not starts:
        raise _fail(path, f"{where}.content", f"not found in {doc_id!r}: {content[:60]!r}")
    if occurrence is None and len(starts) > 1:
        problem = f"occurs {len(starts)} times in {doc_id!r}: extend it or give occurrence"
        raise _fail(path, f"{where}.content", problem)
    if occurrence is not None and (
        not isinstance(occurrence, int) or isinstance(occurrence, bool) or not 1 <= occurrence <= len(starts)
    ):
        raise _fail(path, f"{where}.occurrence", f"expected an integer from 1 to {len(starts)}")
    start = starts[(occurrence or 1) - 1]
    speaker = _string(s["speaker"], path, f"{where}.speaker")
    return GoldStatement(sid, doc_id, speaker, aliases, start, start + len(content), content)


def parse_case(data: Any, path: Path, split: str = DEFAULT_SPLIT) -> Case:
    """Validate one case (already parsed from YAML); every error names the file and the field."""
    c = _mapping(data, path, "case", _CASE_KEYS, _CASE_KEYS - {"description"})
    raw_docs = _list(c["documents"], path, "documents")
    if not 1 <= len(raw_docs) <= 6:
        raise _fail(path, "documents", f"expected 1 to 6 documents, got {len(raw_docs)}")
    docs: dict[str, Document] = {}
    for i, raw in enumerate(raw_docs):
        doc = _document(raw, path, f"documents[{i}]")
        if doc.id in docs:
            raise _fail(path, f"documents[{i}].id", f"duplicate document id {doc.id!r}")
        docs[doc.id] = doc
    statements: dict[str, GoldStatement] = {}
    for i, raw in enumerate(_list(c["statements"], path, "statements")):
        st = _statement(raw, path, f"statements[{i}]", docs)
        if st.id in statements:
            raise _fail(path, f"statements[{i}].id", f"duplicate statement id {st.id!r}")
        statements[st.id] = st
    pairs: list[frozenset[str]] = []
    for i, raw in enumerate(_list(c["contradictions"], path, "contradictions")):
        where = f"contradictions[{i}]"
        if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(x, str) for x in raw):
            raise _fail(path, where, "expected a pair of statement ids, e.g. [s1, s2]")
        unknown = [x for x in raw if x not in statements]
        if unknown:
            raise _fail(path, where, f"no statement with id {unknown[0]!r}")
        pair = frozenset(raw)
        if len(pair) != 2:
            raise _fail(path, where, "a statement cannot contradict itself")
        if pair in pairs:
            raise _fail(path, where, "duplicate pair")
        pairs.append(pair)
    return Case(
        id=_string(c["id"], path, "id"),
        category=_string(c["category"], path, "category"),
        description=_string(c.get("description"), path, "description", required=False),
        split=split,
        path=str(path),
        documents=tuple(docs.values()),
        statements=tuple(statements.values()),
        contradictions=tuple(pairs),
    )


def load_case(path: Path, split: str = DEFAULT_SPLIT) -> Case:
    """Read and validate one YAML case file."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(str(path), f"{line}invalid YAML: {getattr(e, 'problem', None) or e}") from None
    return parse_case(data, path, split)


def load_cases(root: Path) -> list[Case]:
    """Every ``*.yaml``/``*.yml`` case under ``root``; a case's split is its first folder under ``root``
    (``dev``, ``test``), or ``default`` for a file directly in ``root``. Case ids are unique in the set."""
    if not root.is_dir():
        raise InputError(str(root), "no such directory of cases")
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise InputError(str(root), "no cases (*.yaml) found")
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for f in files:
        rel = f.relative_to(root).parts
        case = load_case(f, rel[0] if len(rel) > 1 else DEFAULT_SPLIT)
        if case.id in seen:
            raise InputError(str(f), f"id: {case.id!r} is also the id of {seen[case.id]}")
        seen[case.id] = str(f)
        cases.append(case)
    return cases


def read_thresholds(path: Path) -> dict[str, Any]:
    """``{"split": "test", "min": {"contradictions.precision": 0.8, ...}}``, validated."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"invalid JSON: {e}") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("split"), str)
        or not isinstance(data.get("min"), dict)
    ):
        raise InputError(str(path), 'expected {"split": NAME, "min": {"METRIC.FIELD": NUMBER, ...}}')
    for key, value in data["min"].items():
        if key.count(".") != 1 or not isinstance(value, int | float) or isinstance(value, bool):
            raise InputError(str(path), f"min.{key}: expected 'metric.field': number")
    return data


def default_cases_dir() -> Path:
    """``eval/cases`` in the working directory, else in the project checkout."""
    for root in (Path.cwd(), config.PROJECT_ROOT):
        if (root / config.EVAL_CASES_DIR).is_dir():
            return root / config.EVAL_CASES_DIR
    where = f"{config.EVAL_CASES_DIR}: no such directory here or in {config.PROJECT_ROOT}"
    raise UsageError(f"{where} (use --cases)")


def default_thresholds(cases_dir: Path) -> Path:
    """``thresholds.json`` beside the cases (or in their parent), else the project's."""
    for place in (cases_dir, cases_dir.parent):
        if (place / config.EVAL_THRESHOLDS).is_file():
            return place / config.EVAL_THRESHOLDS
    return config.PROJECT_ROOT / "eval" / config.EVAL_THRESHOLDS
