"""Candidate pairs: who may be compared, the exact count of all comparable pairs, and pruning."""

import itertools
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.records import Span, Statement
from checker.stages.pair import (
    anchors,
    candidates,
    comparable,
    count_comparable,
    follow_ups,
)
from checker.stages.rules import FOLLOW_UP, different_things


def make(
    i: int,
    doc: str,
    speaker: str,
    date: str | None,
    content_start: int = 0,
    prop: str = "",
    assertion: bool = True,
    voices: tuple[str, ...] = (),
    topics: tuple[str, ...] = ("bridge",),
):
    return Statement(
        id=f"s{i}", doc_id=doc, speaker=Span(0, 1, "x"), cue=Span(0, 1, "x"),
        content=Span(content_start, content_start + 1, "x"), kind="indirect", sentence=0,
        speaker_id=speaker, speaker_name=speaker, is_assertion=assertion, date=date,
        proposition=prop or f"p{i}", voices=voices, topics=topics,
    )  # fmt: skip


def test_comparable_rules():
    a = make(1, "d1", "x", "2024-01-01")
    assert comparable(a, make(2, "d1", "y", "2024-01-01", content_start=5))  # other speaker, same doc
    assert not comparable(a, make(3, "d1", "x", "2024-01-01", content_start=5))  # same speaker, same doc
    assert not comparable(a, make(4, "d2", "x", "2024-01-01"))  # same speaker, same date
    assert comparable(a, make(5, "d2", "x", "2024-02-01"))  # one speaker over time
    assert not comparable(a, make(6, "d1", "y", "2024-01-01"))  # one statement, coordinated speakers
    assert not comparable(a, make(7, "d2", "y", "2024-01-01", assertion=False))
    # one document telling the same words twice (a headline's quote and the body's) is one statement
    head = make(8, "d1", "CNN", None, prop="‘We Do Not Pay Candidates To Appear At Debates.’")
    body = make(
        9, "d1", "Jeff Zucker", None, content_start=200, prop="We do not pay candidates to appear at debates"
    )
    assert not comparable(head, body)
    assert comparable(head, make(10, "d2", "Fox", None, prop="We do not pay candidates to appear at debates"))
    # one utterance extracted twice, its content spans overlapping ("Politico reveals: “Of its voters ...”")
    whole = replace(make(11, "d3", "Politico", None, prop="a"), content=Span(1032, 1201, "x"))
    quote = replace(make(12, "d3", "Politico reveals", None, prop="b"), content=Span(1055, 1295, "x"))
    assert not comparable(whole, quote) and count_comparable([whole, quote]) == 0
    assert comparable(whole, replace(quote, content=Span(1201, 1295, "x")))  # touching, not overlapping


def test_one_groups_statements_are_not_compared_in_their_document():
    # "Both the US and France said A." ... "They said B.": each sentence split over the two speakers
    group = ("fr", "us")
    us_a = make(1, "d1", "us", None, content_start=0, voices=group)
    fr_b = make(2, "d1", "fr", None, content_start=9, voices=group)
    assert not comparable(us_a, fr_b)  # one voice: the US and France together
    assert comparable(us_a, make(3, "d1", "il", None, content_start=20))  # someone else in the document
    other_source = make(4, "d2", "fr", "2024-01-01", content_start=9, voices=group)
    assert comparable(us_a, other_source)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcd"),
            st.sampled_from("xyz"),
            st.integers(0, 3),
            st.booleans(),
            st.sampled_from(["", "", "We pay.", "we PAY", "They pay"]),  # "": words of its own
        ),
        max_size=14,
    )
)
def test_count_comparable_equals_enumeration(rows):
    dates = {"a": "2024-01-01", "b": "2024-02-01", "c": None, "d": "2024-01-01"}
    # content starting at 3 or 2 stands for an utterance split over speakers x and y (a coordinated group)
    group = {3: ("x", "y"), 2: ("x", "y")}
    sts = [
        make(
            i, d, sp, dates[d], cs, prop, assertion=ok, voices=group[cs] if cs in group and sp in "xy" else ()
        )
        for i, (d, sp, cs, ok, prop) in enumerate(rows)
    ]
    brute = sum(comparable(x, y) for x, y in itertools.combinations(sts, 2))
    assert count_comparable(sts) == brute


def test_candidates_prune_by_similarity_and_cap():
    sts = [
        make(i, f"d{i}", f"sp{i}", None, prop=p) for i, p in enumerate(["alpha", "beta", "gamma", "delta"])
    ]
    v = np.array([[1, 0], [0.96, 0.28], [0, 1], [0.6, 0.8]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    pairs = candidates(
        sts, v, min_similarity=0.9, min_similarity_shared=0.9, max_per_statement=5, min_per_statement=0
    )
    assert [(c.a, c.b) for c in pairs] == [("s0", "s1")]
    assert all(c.similarity >= 0.9 for c in pairs)
    capped = candidates(sts, v, min_similarity=-1, min_similarity_shared=-1, max_per_statement=1)
    assert len(capped) < 6


def test_shared_anchor_lowers_the_bar():
    sts = [make(0, "a", "x", None, prop="The army killed 630 people in Lebanon"),
           make(1, "b", "y", None, prop="Officials counted 500 victims in Lebanon")]  # fmt: skip
    v = np.array([[1, 0], [0.5, 0.866]], dtype=np.float32)
    assert "lebanon" in anchors(sts[0].proposition) & anchors(sts[1].proposition)
    bars = {"min_similarity": 0.9, "min_per_statement": 0}
    assert len(candidates(sts, v, min_similarity_shared=0.4, **bars)) == 1
    assert candidates(sts, v, min_similarity_shared=0.6, **bars) == []


def test_a_long_statement_is_as_similar_as_its_most_similar_piece():
    # s1 has three pieces (rows 0-2), s2 one (row 3), s3 two (rows 4-5): unit vectors on three axes
    e = np.eye(3, dtype=np.float32)
    vectors = np.stack([e[0], e[0], e[1], e[1], e[2], e[0]])
    stmts = [make(1, "d1", "a", None), make(2, "d2", "b", None), make(3, "d3", "c", None)]
    pruned = candidates(stmts, vectors, starts=[0, 3, 4], block=2, min_per_statement=0)
    found = {(c.a, c.b): c.similarity for c in pruned}
    # s1's last piece matches s2, and its first piece matches s3's last: both pairs kept, s2-s3 not
    assert found == {("s1", "s2"): 1.0, ("s1", "s3"): 1.0}
    one_row_each = np.stack([e[0], e[1], e[2]])
    assert candidates(stmts, one_row_each) == candidates(stmts, one_row_each, starts=[0, 1, 2])


def test_nearest_neighbours_are_kept_below_the_bar():
    """A denial and the claim it denies can be dissimilar; each statement's nearest comparable ones stay."""
    sts = [make(i, f"d{i}", f"sp{i}", None, prop=p) for i, p in enumerate(["w", "x", "y", "z"])]
    sts.append(make(4, "d0", "sp0", None, content_start=9, prop="v"))  # sp0 again: never compared with s0
    v = np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=np.float32)
    bars = {"min_similarity": 0.9, "min_similarity_shared": 0.9}
    assert candidates(sts, v, min_per_statement=0, **bars) == []
    one = candidates(sts, v, min_per_statement=1, **bars)
    # s0's nearest comparable statement is s1 or s3 (cosine 0), not s4 (same speaker and date)
    assert ("s0", "s4") not in {(c.a, c.b) for c in one}
    assert {c.a for c in one} | {c.b for c in one} == {f"s{i}" for i in range(5)}
    every = candidates(sts, v, min_per_statement=4, max_per_statement=4, **bars)
    assert len(every) == 4 * 3 // 2 + 3  # every comparable pair


def test_anchors_count_a_names_words_and_a_first_word_name():
    assert anchors("Midfielder Luca Brandt joined Ostend FC for 1,200 euros") >= {"luca", "brandt", "1200"}
    assert "luca" in anchors("Luca has not given his consent")
    assert anchors("The man said it was over. He left") == set()


def test_follow_ups_pair_a_contradictions_neighbours_with_its_other_side():
    a = make(1, "d1", "union", "2025-01-01", 0, "Transvia refused the offer")
    quote = "They turned it down flat"
    a2 = replace(make(2, "d1", "leader", "2025-01-01", 40, quote), sentence=1, kind="direct")
    far = replace(make(3, "d1", "leader", "2025-01-01", 90, "The strike is on"), sentence=5, kind="direct")
    aside = replace(make(5, "d1", "leader", "2025-01-01", 70, "Talks go on"), sentence=1)  # indirect
    b = make(4, "d2", "Transvia", "2025-01-02", 0, "Transvia accepted the offer")
    sts = [a, a2, far, b, aside]
    more = follow_ups([("s1", "s4")], sts, {("s1", "s4")})
    assert more == [
        (1, 3, "both name: bridge")
    ]  # the next sentence's quote against the other side; not five sentences on
    assert follow_ups([("s1", "s4")], sts, {("s1", "s4"), ("s2", "s4")}) == []  # already scored
    # a quote that names nothing the other side names is still about what the pair beside it is about
    bare = replace(a2, topics=("flat",))
    assert follow_ups([("s1", "s4")], [a, bare, far, b, aside], {("s1", "s4")}) == [(1, 3, FOLLOW_UP)]


def test_what_two_different_people_did_is_not_compared():
    a = replace(
        make(0, "d1", "clerk", None, prop="Sayer had never backed the tram"), subjects=("Ahmed Sayer",)
    )
    b = replace(
        make(1, "d2", "paper", None, prop="Pike had backed the airport link"), subjects=("Joran Pike",)
    )
    c = replace(make(2, "d3", "Sayer", None, prop="Sayer had backed the tram"), subjects=("Sayer",))
    d = make(3, "d4", "council", None, prop="A majority of the council had backed the tram")
    vectors = np.ones((4, 2)) / np.sqrt(2)  # all alike
    found = {(x.a, x.b) for x in candidates([a, b, c, d], vectors, max_per_statement=5)}
    assert ("s0", "s1") not in found and ("s1", "s2") not in found  # Sayer vs Pike
    assert {("s0", "s2"), ("s0", "s3"), ("s1", "s3")} <= found  # one name shared, or not a named person


def test_two_things_of_one_kind_told_apart_are_not_compared():
    marlow = replace(
        make(0, "d1", "a", None, prop="Marlow town council voted to approve"),
        thing=("council", "marlow", "town"),
    )
    estfield = replace(
        make(1, "d2", "b", None, prop="Estfield district council voted to reject"),
        thing=("council", "district", "estfield"),
    )
    council = replace(make(2, "d3", "c", None, prop="The council voted to reject"), thing=("council",))
    exports = replace(make(3, "d4", "d", None, prop="Exports rose 3 percent"), thing=("export",))
    machinery = replace(
        make(4, "d5", "e", None, prop="Machinery exports fell 2 percent"), thing=("export", "machinery")
    )
    assert different_things(marlow, estfield)
    assert not different_things(marlow, council)  # one side only says which council: it may be the same
    assert not different_things(exports, machinery) and different_things(exports, machinery, either=True)
    vectors = np.ones((3, 2)) / np.sqrt(2)
    found = {(x.a, x.b) for x in candidates([marlow, estfield, council], vectors, max_per_statement=5)}
    assert found == {("s0", "s2"), ("s1", "s2")}


def test_each_candidate_says_what_shows_the_two_are_about_the_same_thing():
    from checker.stages.pair import common_topics
    from checker.stages.rules import about, same_person

    a = replace(make(1, "d1", "x", None, topics=("payment", "domus")), subjects=("Ferenc Lazar",))
    b = replace(make(2, "d2", "y", None, topics=("cent", "company")), subjects=("Lazar",))
    assert about(a, b) == "same subject: Ferenc Lazar"
    c = make(3, "d2", "y", None, topics=("payment", "trump"))
    assert about(a, c) == "both name: payment"
    # a subject the tagger saw no person in, whose head is a word of the other side's person
    lazar = replace(make(5, "d3", "z", None, topics=("cent",)), thing=("lazar",))
    assert about(a, lazar) == about(lazar, a) == "same subject: Ferenc Lazar"
    assert about(a, c, common=frozenset({"payment"})) == ""  # a noun the whole corpus names tells nothing
    assert not same_person("Stephen Lynch", "Loretta E. Lynch") and same_person(
        "Donald Trump", "Donald J. Trump"
    )
    many = [make(i, f"d{i}", f"s{i}", None, topics=("trump", f"t{i}")) for i in range(40)]
    assert common_topics(many) == frozenset({"trump"})
    # nothing in common: compared only when the two say nearly the same in other words
    d = make(4, "d3", "z", None, topics=("weather",))
    vectors = np.ones((2, 4), dtype=np.float32) / 2
    assert [c.about for c in candidates([a, d], vectors)] == ["close in meaning: 1.00"]
    apart = np.array(
        [[1, 0], [0.5, 0.866]], dtype=np.float32
    )  # cosine 0.5: similar, yet about nothing shared
    assert candidates([a, d], apart, min_similarity=0.45, same_thing_similarity=0.55) == []
    assert [c.about for c in candidates([a, d], apart, same_thing_similarity=0.5)] == [
        "close in meaning: 0.50"
    ]
