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
