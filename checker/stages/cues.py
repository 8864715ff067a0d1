"""Attribution vocabulary: which words introduce a statement, and how they frame it."""

from __future__ import annotations

#: Verbs (lemmas) that attribute a statement to their subject.
SPEECH_VERBS = frozenset(
    """
    say tell add state claim announce confirm assert argue explain note stress emphasize emphasise
    acknowledge admit suggest report write declare maintain contend allege insist warn reiterate clarify
    indicate predict promise vow pledge threaten caution concede reveal disclose testify recall respond reply
    answer tweet post complain charge reaffirm repeat observe conclude estimate tell inform assure
    believe think accuse signal hint affirm describe agree
    deny reject dismiss refute rebut dispute disavow contradict
    call urge demand ask
    """.split()
)
#: Cues whose clausal content the speaker asserts to be false ("X denied that P" asserts not-P).
DENIAL_VERBS = frozenset("deny reject dismiss refute rebut dispute disavow contradict".split())
#: Cues that attribute a demand or wish, not a claim about the world: kept, but not checked for contradiction.
DIRECTIVE_VERBS = frozenset("call urge demand ask promise vow pledge threaten".split())
#: Cues of intentions and votes: PolNeAR marks them as attributions, but nobody asserts a claim by them.
INTENTION_VERBS = frozenset(
    "intend plan want hope wish aim seek decide vote endorse back oppose support pledge refuse try".split()
)
#: Cues by which a poll, study or record "shows" something: evidence, not a claim a speaker asserted.
EVIDENCE_VERBS = frozenset("show find indicate suggest reveal give put have".split())
EVIDENCE_SOURCES = frozenset(
    "poll polls survey surveys study studies data figures numbers analysis report reports record records "
    "results count tally estimate estimates model models forecast forecasts".split()
)
#: Nouns whose "that" clause holds a claim: "dismissed reports that P", "statements from X that P".
CLAIM_NOUNS = frozenset(
    "report reports claim claims allegation allegations suggestion suggestions assertion assertions "
    "statement statements accusation accusations rumor rumors rumour rumours".split()
)
#: Multi-word cues: the verb plus one of these dependents ("made clear", "called for", "pointed out").
CUE_PARTS = {"make": {"clear"}, "call": {"for"}, "point": {"out"}, "spell": {"out"}}
#: Subordinators that open a clause which is not part of the reported content ("..., though X told Y ...").
CONTRASTIVE_MARKS = frozenset("though although while whereas but".split())

QUOTE_OPEN = '“„«"'
QUOTE_CLOSE = '”»"'
SINGLE_OPEN = "‘"
SINGLE_CLOSE = "’"
#: Cues whose direct object can itself be the claim ("confirmed the deal", "predicted a recession").
OBJECT_CUES = frozenset(
    """
    announce confirm acknowledge admit predict reiterate report estimate reveal disclose reaffirm repeat
    """.split()
)

#: Cues that tell a predicate of their object, a small clause (``small_clause``): "called the charges
#: unsubstantiated" (an object predicate) ...
JUDGE_VERBS = frozenset("call label brand deem declare consider term dub pronounce find judge".split())
#: ... "described the report as false" ...
AS_VERBS = frozenset(
    """
    describe characterize characterise dismiss label brand denounce portray depict decry condemn reject cite
    see view regard criticize criticise paint tout hail praise identify
    """.split()
)
#: ... "puts the figure at $498 billion" ...
FIGURE_VERBS = frozenset("put estimate peg place set value calculate project tally".split())
#: ... and "accused Holt of being a Democrat", by the preposition each takes before the gerund.
ACCUSE_VERBS = {
    "accuse": "of",
    "suspect": "of",
    "convict": "of",
    "blame": "for",
    "fault": "for",
    "criticize": "for",
    "criticise": "for",
    "credit": "for",
}
#: Cues told to someone, whose clause follows the one told: "assured the American people that P".
ADDRESSEE_VERBS = frozenset(
    "tell assure reassure inform remind warn convince persuade notify promise advise caution brief".split()
)


def is_assertion(cue_lemma: str, source_head: str = "") -> bool:
    """A claim its source asserted (checked for contradictions), not a demand, intention, vote or evidence."""
    lemma = cue_lemma.lower()
    if lemma in DIRECTIVE_VERBS or lemma in INTENTION_VERBS:
        return False
    return not (lemma in EVIDENCE_VERBS and source_head.lower() in EVIDENCE_SOURCES)
