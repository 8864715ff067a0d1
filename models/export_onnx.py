"""Export the NLI cross-encoder to ONNX and quantize it to int8 (static quantization, calibrated on SNLI dev).

    python models/export_onnx.py --calibration ../shared/data/nli/snli-dev.jsonl
                                          # models/nli-minilm-l6 -> models/nli-minilm-l6/onnx/model_qint8.onnx

Static, not dynamic, quantization: dynamic int8 scales activations per batch, so a pair's score moved by up to
0.08 with the pairs batched beside it (a report depended on the other documents checked). Static scales are
fixed at export, so a pair scores the same alone or in any batch. The weight MatMuls are int8 with calibrated
(min-max) activation ranges, the embedding tables int8; the attention's activation-by-activation MatMuls and
the feed-forward output (whose GELU activations have outliers) stay fp32: quantizing those cost 2.7 points of
snli-test accuracy, leaving them cost 0.25.

Rerun it whenever the model's weights change: ``onnx/export.json`` records the SHA-256 of the weights it was
exported from, and checker falls back to the fp32 torch model (with a note) when they no longer match.
The fp32 ONNX graph is an intermediate file in a temporary directory, never written beside the model.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from checker import config  # noqa: E402
from checker.runtime import offline  # noqa: E402
from checker.runtime.nli import weights_digest  # noqa: E402
from checker.runtime.onnx import OnnxCrossEncoder  # noqa: E402
from checker.runtime.onnx_export import export_fp32  # noqa: E402

offline()

CHECK_PAIRS = [
    ("Israel agreed to the truce.", "Israel rejected the truce."),
    ("A man is playing a guitar on stage.", "A man is performing music."),
    ("The minister said the budget would rise by 5 percent.", "The budget will fall."),
    ("Two dogs run through a field.", "The animals are outside."),
    ("The company reported record profits.", "The weather was sunny in Paris."),
]


def _calibration_pairs(path: Path, n: int, seed: int = 0) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    random.Random(seed).shuffle(rows)
    return [(r["premise"], r["hypothesis"]) for r in rows[:n]]


def _is_weight(name: str, inits: set[str], producers: dict) -> bool:
    """A tensor that is an initializer, possibly through a Transpose/Cast/Identity of one."""
    if name in inits:
        return True
    node = producers.get(name)
    return (
        node is not None
        and node.op_type in ("Transpose", "Cast", "Identity")
        and all(_is_weight(i, inits, producers) for i in node.input)
    )


def _kept_in_fp32(model_file: Path, ffn: int) -> list[str]:
    """MatMul nodes left unquantized: activation x activation (attention) and the feed-forward output."""
    import onnx

    graph = onnx.load(str(model_file)).graph
    inits = {i.name for i in graph.initializer}
    dims = {i.name: tuple(i.dims) for i in graph.initializer}
    producers = {o: n for n in graph.node for o in n.output}

    def shape(name: str) -> tuple:
        node = producers.get(name)
        return dims.get(name) or (shape(node.input[0]) if node is not None else ())

    out = []
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        weight = _is_weight(node.input[1], inits, producers)
        if not weight or shape(node.input[1])[:1] == (ffn,):
            out.append(node.name)
    return out


def export(model_dir: Path, out: Path, calibration: Path, n_calibration: int = 256, opset: int = 18) -> dict:
    """Export ``model_dir`` (a sequence-classification cross-encoder) to an int8 ONNX file at ``out``."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )  # fmt: skip
    from onnxruntime.quantization.shape_inference import quant_pre_process
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, local_files_only=True, dtype=torch.float32
    ).eval()
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok("a", "b")]
    pairs = _calibration_pairs(calibration, n_calibration)

    class Reader(CalibrationDataReader):
        """Batches of 16 calibration pairs, padded to one length (the calibrator stacks them)."""

        def __init__(self) -> None:
            self.starts = iter(range(0, len(pairs), 16))

        def get_next(self) -> dict | None:
            lo = next(self.starts, None)
            if lo is None:
                return None
            chunk = pairs[lo : lo + 16]
            enc = tok([a for a, _ in chunk], [b for _, b in chunk], padding="max_length", truncation=True,
                      max_length=128, return_tensors="np")  # fmt: skip
            return {k: v.astype(np.int64) for k, v in enc.items() if k in names}

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32, pre = Path(tmp) / "model.onnx", Path(tmp) / "model.pre.onnx"
        export_fp32(model_dir, fp32, opset)
        quant_pre_process(str(fp32), str(pre), skip_symbolic_shape=True)
        quantize_static(
            str(pre), str(out), Reader(), quant_format=QuantFormat.QDQ,
            op_types_to_quantize=["MatMul", "Gather"], per_channel=True,
            nodes_to_exclude=_kept_in_fp32(pre, model.config.intermediate_size),
            weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8,
            calibrate_method=CalibrationMethod.MinMax,
        )  # fmt: skip
    record = {
        "source_weights_sha256": weights_digest(model_dir),
        "file": out.name,
        "quantization": (
            "static int8 (onnxruntime quantize_static, QDQ, MinMax calibration on "
            f"{len(pairs)} pairs of {calibration.name}; weight MatMuls per-channel QInt8 and Gather; "
            "attention and feed-forward-output MatMuls fp32)"
        ),
        "opset": opset,
        "exported": time.strftime("%Y-%m-%d"),
    }
    (out.parent / "export.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def compare(model_dir: Path, onnx_file: Path) -> dict:
    """Torch fp32 vs the int8 export on a few pairs: argmax agreement and the largest probability gap."""
    from sentence_transformers.cross_encoder import CrossEncoder

    ref = CrossEncoder(str(model_dir), device="cpu", local_files_only=True,
                       model_kwargs={"dtype": torch.float32})  # fmt: skip
    p_ref = np.asarray(ref.predict(CHECK_PAIRS, apply_softmax=True, show_progress_bar=False))
    p_int8 = OnnxCrossEncoder(model_dir, onnx_file).predict(CHECK_PAIRS, apply_softmax=True)
    return {
        "argmax_agree": int((p_ref.argmax(1) == p_int8.argmax(1)).sum()),
        "pairs": len(CHECK_PAIRS),
        "max_abs_prob_diff": round(float(np.abs(p_ref - p_int8).max()), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=config.NLI_MODEL_DIR, help="cross-encoder directory")
    ap.add_argument("--out", type=Path, default=None, help="default: MODEL/" + str(config.NLI_ONNX_FILE))
    ap.add_argument(
        "--calibration", type=Path, default=Path("../shared/data/nli/snli-dev.jsonl"),
        help="JSONL of premise/hypothesis pairs whose activation ranges fix the int8 scales",
    )  # fmt: skip
    args = ap.parse_args()
    if not args.calibration.is_file():
        ap.error(f"{args.calibration}: calibration pairs not found (see ../shared/data/README)")
    out = args.out or args.model / config.NLI_ONNX_FILE
    record = export(args.model, out, args.calibration)
    size = out.stat().st_size / 1e6
    print(f"wrote {out} ({size:.1f} MB); weights sha256 {record['source_weights_sha256'][:12]}")
    print("torch fp32 vs int8:", json.dumps(compare(args.model, out)))


if __name__ == "__main__":
    main()
