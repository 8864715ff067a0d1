"""Fit the NLI model's temperature on the real-news dev and draw its reliability diagram (issue 16).

    python models/calibrate_nli.py --data ../shared/data --corpus ../shared/data/polnear/dev/text \\
        --judgements eval/corpus/polnear-dev.jsonl [--model models/nli-minilm-l6] [--write]

Prints each dev set's log loss and calibration error at temperature 1 and at the fitted one; with
``--write``, saves ``calibration.json`` (the temperature, the sets, the figures) and ``reliability.png`` in
the model directory. The model runs on the backend checker uses (int8 ONNX by default), so the temperature
fits the scores users see. Needs matplotlib (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def plot(sets, temperature: float, out: Path) -> None:  # noqa: ANN001 - DevSet list
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from checker.evaluation.calibration import reliability

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), sharey=True)
    for ax, t, title in (
        (axes[0], 1.0, "as trained (T = 1)"),
        (axes[1], temperature, f"T = {temperature:.2f}"),
    ):
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
        for s in sets:
            rows = [r for r in reliability(s.scores(t), s.real) if r["n"] >= 5]
            ax.plot(
                [r["mean_score"] for r in rows], [r["real"] for r in rows], marker="o", ms=3, label=s.name
            )
        ax.set_title(title)
        ax.set_xlabel("contradiction score (bin mean; bins of 5+ items)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("share that are real contradictions")
    axes[1].legend(loc="upper left", fontsize=8)
    fig.suptitle("NLI reliability on the real-news dev")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, help="the judged corpus's folder of texts")
    ap.add_argument("--judgements", type=Path)
    ap.add_argument("--model", type=Path, help="default: checker's NLI model")
    ap.add_argument("--backend", help="default: the one checker uses")
    ap.add_argument("--write", action="store_true", help="save calibration.json and reliability.png")
    args = ap.parse_args()

    from checker import config
    from checker.evaluation import calibration
    from checker.runtime.nli import load_nli

    model = load_nli(str(args.model) if args.model else None, args.backend)
    corpus = sorted(args.corpus.glob("*.txt")) if args.corpus else []
    sets = calibration.dev_sets(model, args.data, corpus, args.judgements)
    t = calibration.fit_temperature(sets)
    rows = calibration.summary(sets, t)
    before, after = calibration.mean_log_loss(sets, 1.0), calibration.mean_log_loss(sets, t)
    print(f"temperature {t:.3f} ({model.backend}); mean log loss {before:.4f} -> {after:.4f}")
    for r in rows:
        (l0, l1), (e0, e1) = r["log_loss"], r["ece"]
        print(f"  {r['set']:<11} {r['items']:>4} items ({r['real']:>3} real)  log loss {l0:.4f} -> {l1:.4f}  "
              f"ECE {e0:.4f} -> {e1:.4f}  alone T {r['alone']}")  # fmt: skip
    if not args.write:
        return
    target = Path(model.path)
    record = {
        "temperature": round(t, 4),
        "fitted": str(datetime.date.today()),
        "backend": model.backend,
        "map": "the score's log-odds divided by the temperature (checker.runtime.nli.calibrate)",
        "objective": "binary log loss of an item's calibrated contradiction score (the higher direction), "
        "each set weighing the same",
        "sets": rows,
        "command": "python " + " ".join(sys.argv),
    }
    (target / config.NLI_CALIBRATION_FILE).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    plot(sets, t, target / "reliability.png")
    print(f"wrote {target / config.NLI_CALIBRATION_FILE} and {target / 'reliability.png'}")


if __name__ == "__main__":
    main()
