"""The attribute stage: who said what in one parsed document.

Two extractors run: the parse rules (``rules``) and, when its model is present, the attribution tagger's
spans (``tagged``); ``merge`` says how their statements combine (``config.ATTRIBUTION_POLICY``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from checker import config
from checker.records import Statement
from checker.stages.attribute.merge import merge, nest
from checker.stages.attribute.quotes import find_quotes
from checker.stages.attribute.rules import is_cue_verb, rule_statements
from checker.stages.attribute.spans import Builder, touch
from checker.stages.attribute.tagged import group_spans, tagged_statements
from checker.stages.segment import ParsedDocument

__all__ = ["POLICIES", "extract", "find_quotes", "group_spans", "is_cue_verb"]

#: ``config.ATTRIBUTION_POLICY`` values: how the tagger's and the rules' statements merge (``extract``).
POLICIES = ("structure", "tagger", "rules")


def extract(
    pd: ParsedDocument, tagged: Sequence[tuple[str, int, int]] | None = None, policy: str | None = None
) -> list[Statement]:
    """All attributed statements of one parsed document, in text order.

    ``tagged``: the attribution tagger's ``(role, start, end)`` spans for this document (None: no model, the
    rules alone). Both extractors run; ``policy`` (``config.ATTRIBUTION_POLICY``) says how their statements
    are merged: "structure" (the default, ``merge``) keeps the tagger's except where the rules' carry
    structure the tagger's spans lack; "tagger" or "rules" keeps that extractor's statements whole and adds
    the other's where their content overlaps none of theirs ("“A,” he said, “B.”": one finds A, the other
    adds B).
    """
    rules = rule_statements(pd)
    if tagged is None:
        statements = rules
    else:
        b = Builder(pd)
        tagged_statements(b, pd, tagged)
        policy = policy or config.ATTRIBUTION_POLICY
        if policy not in POLICIES:
            raise ValueError(f"unknown attribution policy {policy!r}: one of {', '.join(POLICIES)}")
        if policy == "structure":
            statements = merge(pd, b.statements, rules)
        else:
            kept, other = (b.statements, rules) if policy == "tagger" else (rules, b.statements)
            contents = [(s.content.start, s.content.end) for s in kept]
            statements = list(kept) + [
                st for st in other if not any(touch((st.content.start, st.content.end), c) for c in contents)
            ]
    statements = sorted(nest(statements), key=lambda s: (s.cue.start, s.speaker.start))
    return [replace(s, id=f"{pd.document.id}:s{n}") for n, s in enumerate(statements, 1)]
