"""Shared fixtures: a small hand-built Report whose spans are true offsets into its documents."""

from __future__ import annotations

import os

# Tests pin the NLI backend (the shipped int8 export) so that scores do not depend on the machine's choice
# (``runtime.backends``, tested on its own); a user's CHECKER_NLI_BACKEND still wins.
os.environ.setdefault("CHECKER_NLI_BACKEND", "onnx-int8")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from checker.records import Contradiction, Document, DocumentStatus, Report, Span, Speaker, Statement

# Fuzzing budgets. ``ci`` (selected when the CI variable is set, as .ci/run does) is derandomized: the same
# examples every run, with a fixed count, so CI time is bounded and a failure reproduces. ``dev`` explores
# new random examples each run. HYPOTHESIS_PROFILE=ci|dev overrides the choice. A test's own
# ``max_examples`` sets its budget; the profile's is the default.
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

TEXTS = {
    "times": 'The minister said, "The ceasefire is holding." Talks continue.',
    "herald": "Hamas denied that the ceasefire is holding.",
    "wire": 'An official warned that <script>alert("x")</script> & <b>tags</b> were found.',
}


def span(doc_id: str, needle: str) -> Span:
    """The span of the first occurrence of ``needle`` in the document."""
    start = TEXTS[doc_id].index(needle)
    return Span(start, start + len(needle), needle)


def make_statement(
    sid: str, doc_id: str, speaker: str, cue: str, content: str, kind: str, speaker_id: str, **kw: object
) -> Statement:
    return Statement(
        id=sid,
        doc_id=doc_id,
        speaker=span(doc_id, speaker),
        cue=span(doc_id, cue),
        content=span(doc_id, content),
        kind=kind,
        sentence=0,
        speaker_id=speaker_id,
        speaker_name=speaker,
        **kw,
    )


@pytest.fixture
def sample_documents() -> list[Document]:
    return [
        Document(id=k, text=v, source=k.title(), date="2024-09-26", path=f"{k}.txt") for k, v in TEXTS.items()
    ]


@pytest.fixture
def sample_statements() -> list[Statement]:
    return [
        make_statement(
            "times:0", "times", "The minister", "said", "The ceasefire is holding.", "direct", "sp-minister",
            proposition="The ceasefire is holding.",
        ),
        make_statement(
            "herald:0", "herald", "Hamas", "denied", "the ceasefire is holding", "indirect", "sp-hamas",
            negated=True, proposition="The ceasefire is not holding.",
        ),
        make_statement(
            "wire:0", "wire", "An official", "warned", '<script>alert("x")</script> & <b>tags</b> were found',
            "indirect", "sp-official", proposition='<script>alert("x")</script> & <b>tags</b> were found',
        ),
    ]  # fmt: skip


@pytest.fixture
def sample_speakers() -> list[Speaker]:
    return [
        Speaker("sp-minister", "The minister", "person", [("times", 0, 12, "The minister")]),
        Speaker("sp-hamas", "Hamas", "organization", [("herald", 0, 5, "Hamas")]),
        Speaker("sp-official", "An official", "anonymous", [("wire", 0, 11, "An official")]),
    ]


@pytest.fixture
def sample_statuses() -> list[DocumentStatus]:
    return [
        DocumentStatus("times", "Times", "2024-09-26", "times.txt", "checked", statements=1),
        DocumentStatus("herald", "Herald", "2024-09-26", "herald.txt", "checked", statements=1),
        DocumentStatus("wire", "Wire", "2024-09-26", "wire.txt", "checked", statements=1),
        DocumentStatus("scan", None, None, "scan.pdf", "skipped", reason="looks like a PDF, not text"),
    ]


@pytest.fixture
def report(
    sample_statuses: list[DocumentStatus], sample_statements: list[Statement], sample_speakers: list[Speaker]
) -> Report:
    contradiction = Contradiction(
        a=sample_statements[0],
        b=sample_statements[1],
        score=0.93,
        nli_ab={"contradiction": 0.93, "entailment": 0.02, "neutral": 0.05},
        nli_ba={"contradiction": 0.88, "entailment": 0.03, "neutral": 0.09},
        similarity=0.91,
        reason="denial",
        explanation="Hamas denies what the minister asserts.",
    )
    return Report(
        documents=sample_statuses,
        statements=sample_statements,
        speakers=sample_speakers,
        contradictions=[contradiction],
        threshold=0.5,
        pairs_all=3,
        pairs_scored=1,
        models={"nli": "test-nli"},
    )


@pytest.fixture
def empty_report(
    sample_statuses: list[DocumentStatus], sample_statements: list[Statement], sample_speakers: list[Speaker]
) -> Report:
    """The same statements, no contradictions, nothing skipped."""
    checked = [d for d in sample_statuses if d.status == "checked"]
    return Report(
        documents=checked,
        statements=sample_statements,
        speakers=sample_speakers,
        contradictions=[],
        threshold=0.5,
    )
