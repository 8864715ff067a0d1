"""Export the NLI cross-encoder to ONNX and quantize it to int8 (dynamic quantization, no calibration data).

    pip install -e '.[export]'            # onnx and onnxscript; onnxruntime is a runtime dependency
    python models/export_onnx.py          # models/nli-minilm-l6 -> models/nli-minilm-l6/onnx/model_qint8.onnx

Rerun it whenever the model's weights change: ``onnx/export.json`` records the SHA-256 of the weights it was
exported from, and checker falls back to the fp32 torch model (with a note) when they no longer match.
The fp32 ONNX graph is an intermediate file in a temporary directory, never written beside the model.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from checker import config  # noqa: E402
from checker.infer import OnnxCrossEncoder, weights_digest  # noqa: E402

CHECK_PAIRS = [
    ("Israel agreed to the truce.", "Israel rejected the truce."),
    ("A man is playing a guitar on stage.", "A man is performing music."),
    ("The minister said the budget would rise by 5 percent.", "The budget will fall."),
    ("Two dogs run through a field.", "The animals are outside."),
    ("The company reported record profits.", "The weather was sunny in Paris."),
]


def export(model_dir: Path, out: Path, opset: int = 18) -> dict:
    """Export ``model_dir`` (a sequence-classification cross-encoder) to an int8 ONNX file at ``out``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, local_files_only=True, dtype=torch.float32
    ).eval()
    # two pairs of different lengths, padded: the traced graph must handle padding and any batch/length
    sample = tok(["A premise sentence here.", "Short."], ["A hypothesis.", "Two words"], padding=True,
                 return_tensors="pt")  # fmt: skip
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence", max=config.NLI_MAX_LENGTH)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        # the dynamo exporter: the TorchScript one bakes the sample's attention-mask shape into the graph
        torch.onnx.export(
            model, (), str(fp32), kwargs={n: sample[n] for n in names}, input_names=names,
            output_names=["logits"], dynamic_shapes={n: {0: batch, 1: seq} for n in names},
            opset_version=opset, dynamo=True, external_data=False,
        )  # fmt: skip
        # int8 weights (per output channel) for MatMul/Gemm and the embedding tables; activations are
        # quantized on the fly. Per-channel keeps snli-test accuracy within half a point of fp32.
        quantize_dynamic(
            str(fp32), str(out), weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gemm", "Gather"], per_channel=True,
        )  # fmt: skip
    record = {
        "source_weights_sha256": weights_digest(model_dir),
        "file": out.name,
        "quantization": "dynamic int8 (onnxruntime quantize_dynamic, MatMul/Gemm/Gather, per-channel QInt8)",
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
    args = ap.parse_args()
    out = args.out or args.model / config.NLI_ONNX_FILE
    record = export(args.model, out)
    size = out.stat().st_size / 1e6
    print(f"wrote {out} ({size:.1f} MB); weights sha256 {record['source_weights_sha256'][:12]}")
    print("torch fp32 vs int8:", json.dumps(compare(args.model, out)))


if __name__ == "__main__":
    main()
