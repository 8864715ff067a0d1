"""Candidate pairs for NLI: across speakers or documents (or one speaker at two dates), pruned to each
statement's nearest neighbours by embedding similarity and shared entities, so NLI never sees all N² pairs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from checker import config
from checker.records import Candidate, Statement
from checker.stages.rules import CLOSE, FOLLOW_UP, about, apart

_ENTITY = re.compile(r"\b([A-Z][a-zA-Z’'\-]+(?:\s+[A-Z][a-zA-Z’'\-]+)*)|\b(\d[\d,.]*)\b")
#: capitalised words that name nothing (a sentence's first word is a name only when not one of these)
_STOP = frozenset(
    "The A An It He She They We I You In On At But And Or If This That These Those Its His Her Their Our My "
    "There Here No Not Some Any All Both Each Every Many More Most Only Mr Mrs Ms Dr".split()
)


def anchors(text: str) -> set[str]:
    """Names and numbers in a proposition: what two statements must share to be about the same thing.

    A name counts word by word too, so "Luca" anchors to "Luca Brandt"."""
    out = set()
    for m in _ENTITY.finditer(text):
        words = [w for w in m.group(0).replace(",", "").lower().split() if w.title() not in _STOP]
        if words:
            out.add(" ".join(words))
            out.update(w for w in words if len(w) > 2 and not w.isdigit())
    return out


def comparable(a: Statement, b: Statement) -> bool:
    """Statements worth comparing: two checkable claims asserted by different speakers or in different
    documents, or by one speaker on two dates; never one utterance of one document told twice."""
    if not (a.is_assertion and b.is_assertion and a.checkable and b.checkable):
        return False
    if a.doc_id == b.doc_id and (_overlap(a, b) or _one_voice(a, b) or _same_words(a, b)):
        # one utterance: split over coordinated speakers, extracted twice ("Politico reveals a few facts:
        # “Of its 76,981 voters ...”" and the quote alone), or its words told twice (a quote in the headline
        # and again in the body); or two of one group's statements
        return False
    if a.speaker_id != b.speaker_id:
        return True
    return a.doc_id != b.doc_id and (a.date or "") != (b.date or "")


def _same_words(a: Statement, b: Statement) -> bool:
    return re.findall(r"\w+", a.proposition.lower()) == re.findall(r"\w+", b.proposition.lower())


def _overlap(a: Statement, b: Statement) -> bool:
    return a.content.start < b.content.end and b.content.start < a.content.end


def common_topics(
    statements: Sequence[Statement],
    share: float = config.COMMON_TOPIC_SHARE,
    least: int = config.COMMON_TOPIC_MIN,
) -> frozenset[str]:
    """The nouns so many statements name that sharing one says nothing of what two claims are about: named by
    more than ``share`` of the statements and by at least ``least`` ("trump" in an election corpus)."""
    counts = Counter(t for s in statements for t in set(s.topics))
    bar = max(least, share * len(statements))
    return frozenset(t for t, n in counts.items() if n > bar)


def _one_voice(a: Statement, b: Statement) -> bool:
    return bool(set(a.voices or (a.speaker_id,)) & set(b.voices or (b.speaker_id,)))


def _pairs(counts: Counter) -> int:
    return sum(k * (k - 1) // 2 for k in counts.values())


def count_comparable(statements: Sequence[Statement]) -> int:
    """How many pairs ``comparable`` admits, without enumerating the pairs across documents.

    Across documents: all pairs of checkable assertions less those of one speaker on one date. Within one
    document (one date): each pair is tested, since the rules there (one utterance, one group, the same words
    twice) depend on spans and words.
    """
    live = [s for s in statements if s.is_assertion and s.checkable]
    n = len(live)
    by_doc: dict[str, list[Statement]] = {}
    for s in live:
        by_doc.setdefault(s.doc_id, []).append(s)
    within = _pairs(Counter({d: len(ss) for d, ss in by_doc.items()}))
    same_speaker_date = _pairs(Counter((s.speaker_id, s.date or "") for s in live))
    same_speaker_doc = _pairs(Counter((s.doc_id, s.speaker_id) for s in live))
    across = (n * (n - 1) // 2 - within) - (same_speaker_date - same_speaker_doc)
    return across + sum(
        1 for ss in by_doc.values() for i, a in enumerate(ss) for b in ss[i + 1 :] if comparable(a, b)
    )


def _similarities(vectors: np.ndarray, starts: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Rows ``lo:hi`` of the statement-by-statement similarity: the best over their pieces' vectors."""
    end = starts[hi] if hi < len(starts) else len(vectors)
    sims = vectors[starts[lo] : end] @ vectors.T
    sims = np.maximum.reduceat(sims, starts[lo:hi] - starts[lo], axis=0)
    return np.maximum.reduceat(sims, starts, axis=1)


def _chain(head: np.ndarray, row: np.ndarray):  # noqa: ANN202 - an iterator of column indices
    """``head`` (the row's best columns, best first), then, if asked for, the other columns best first."""
    yield from head
    others = np.ones(len(row), dtype=bool)
    others[head] = False
    rest = np.flatnonzero(others)
    yield from rest[np.lexsort((rest, -row[rest]))]


def candidates(
    statements: Sequence[Statement],
    vectors: np.ndarray,
    *,
    starts: Sequence[int] | None = None,
    min_similarity: float = config.PAIR_MIN_SIMILARITY,
    min_similarity_shared: float = config.PAIR_MIN_SIMILARITY_SHARED,
    max_per_statement: int = config.PAIR_MAX_PER_STATEMENT,
    min_per_statement: int = config.PAIR_MIN_PER_STATEMENT,
    common: frozenset[str] = frozenset(),
    same_thing_similarity: float = config.SAME_THING_SIMILARITY,
    block: int = 1024,
    choosers: int | None = None,
) -> list[Candidate]:
    """Each statement's ``min_per_statement`` nearest comparable statements, and further ones above the
    similarity bar (a lower bar where they share a name or number), at most ``max_per_statement``; best first.
    Only claims about the same thing are paired, and each candidate says what shows it: one subject or a
    noun both name (``rules.about``, less the corpus's ``common`` nouns, ``common_topics``), or, failing
    those, embeddings at least ``same_thing_similarity`` close (``close``).

    ``vectors`` has one row per statement, or, with ``starts``, one row per piece of a statement too long
    for the embedding model's window: statement ``i``'s pieces are rows ``starts[i]`` up to
    ``starts[i + 1]``, and two statements are as similar as their most similar pieces.

    ``choosers``: only the first this many statements choose their neighbours; the rest are there to be
    chosen and ranked against (a store check loads only the part of the corpus near the new statements).
    """
    n = len(statements)
    first = np.arange(n) if starts is None else np.asarray(starts, dtype=np.intp)
    keys = [anchors(s.proposition) for s in statements]
    found: dict[tuple[int, int], Candidate] = {}
    last = n if choosers is None else min(choosers, n)
    for lo in range(0, last, block):
        sims = _similarities(vectors, first, lo, min(lo + block, last))
        # a row's most similar columns first; the rest of the row is sorted only if these run out
        top = min(n, max(64, 8 * max_per_statement))
        heads = np.argpartition(-sims, top - 1, axis=1)[:, :top] if top < n else None
        for r, row in enumerate(sims):
            i = lo + r
            if heads is None:
                order = np.argsort(-row, kind="stable")
            else:
                h = heads[r]
                head = h[np.lexsort((h, -row[h]))]  # by similarity, ties by index: as a full argsort
                order = _chain(head, row)
            kept = 0
            for j in order:
                j = int(j)
                sim = float(row[j])
                if kept >= max_per_statement or (sim < min_similarity_shared and kept >= min_per_statement):
                    break
                if j == i or not comparable(statements[i], statements[j]):
                    continue
                if apart(statements[i], statements[j]):
                    continue
                why = about(statements[i], statements[j], common) or close(sim, same_thing_similarity)
                if not why:
                    continue  # nothing shows the two are about one thing: never a contradiction
                shared = tuple(sorted(keys[i] & keys[j]))
                if sim >= min_similarity:
                    via = "similar"
                elif shared and sim >= min_similarity_shared:
                    via = "shared"
                elif kept < min_per_statement:
                    via = "nearest"
                else:
                    continue
                kept += 1
                a, b = (i, j) if i < j else (j, i)
                if (a, b) not in found or found[(a, b)].via == "nearest":
                    found[(a, b)] = Candidate(statements[a].id, statements[b].id, sim, shared, via, why)
    return sorted(found.values(), key=lambda c: (-c.similarity, c.a, c.b))


def close(similarity: float, bar: float = config.SAME_THING_SIMILARITY) -> str:
    """What shows two claims are about one thing when they share no subject or noun: they say nearly the same
    in other words ("the relatives never consented to the surgery", "the family gave consent to the
    operation"); "" below ``bar``."""
    return f"{CLOSE}: {similarity:.2f}" if similarity >= bar else ""


def similarity(vectors: np.ndarray, starts: Sequence[int], i: int, j: int) -> float:
    """Statements ``i`` and ``j``'s similarity: the best over their pieces' vectors (see ``candidates``)."""

    def rows(k: int) -> np.ndarray:
        return vectors[starts[k] : starts[k + 1] if k + 1 < len(starts) else len(vectors)]

    return float((rows(i) @ rows(j).T).max())


#: Statement kinds a follow-up may be: the quote a paraphrase summarises ("X said P. 'Q,' X said.")
QUOTED = frozenset({"direct", "mixed"})


def follow_ups(
    found: Sequence[tuple[str, str]],
    statements: Sequence[Statement],
    scored: set[tuple[str, str]],
    sentences: int = config.FOLLOW_UP_SENTENCES,
    common: frozenset[str] = frozenset(),
) -> list[tuple[int, int, str]]:
    """Pairs to score next, by index into ``statements``, with why they are about the same thing: for each
    contradiction found (``found``, statement ids), the quotes within ``sentences`` sentences of each side in
    its document, against the other side.

    News reports a claim and then quotes it, in other words, from the same speaker or a spokesperson ("The
    union said Transvia had refused. 'They turned it down flat,' its leader said"): the quote is too far from
    the claim's wording for the similarity bars, not from its sense. Further indirect statements nearby
    ("..., adding that the strike would go ahead") are other claims, left to the similarity bars.
    """
    index = {s.id: i for i, s in enumerate(statements)}
    by_doc: dict[str, list[int]] = {}
    for i, s in enumerate(statements):
        by_doc.setdefault(s.doc_id, []).append(i)
    out: dict[tuple[int, int], str] = {}
    for ida, idb in found:
        for x, y in ((index[ida], index[idb]), (index[idb], index[ida])):
            sx = statements[x]
            for k in by_doc[sx.doc_id]:
                sk = statements[k]
                near = abs(sk.sentence - sx.sentence) <= sentences
                if k == x or not near or sk.kind not in QUOTED or not comparable(sk, statements[y]):
                    continue
                if apart(sk, statements[y]):
                    continue
                why = about(sk, statements[y], common) or FOLLOW_UP
                a, b = (k, y) if k < y else (y, k)
                ids = (statements[a].id, statements[b].id)
                if ids not in scored and (ids[1], ids[0]) not in scored:
                    out.setdefault((a, b), why)
    return [(a, b, why) for (a, b), why in out.items()]
