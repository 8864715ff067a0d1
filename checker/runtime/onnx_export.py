"""The NLI cross-encoder as an fp32 ONNX graph (torch's dynamo exporter; needs ``onnx`` and ``onnxscript``).

Used by ``models/export_onnx.py`` on the way to the shipped int8 file, and by the backend choice
(``runtime.backends``), which times the fp32 graph on onnxruntime against the int8 one and torch.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

from checker import config


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's warnings and log lines (missing torchvision, deprecations, renamed axes) say nothing a
    checker user can act on: keep them off the user's terminal."""
    names = ("torch.onnx", "torch.export", "torch._dynamo", "onnxscript")
    loggers = [logging.getLogger(name) for name in names]
    levels = [lg.level for lg in loggers]
    try:
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def export_fp32(model_dir: str | Path, out: str | Path, opset: int = 18) -> Path:
    """Export ``model_dir`` (a sequence-classification cross-encoder) to an fp32 ONNX file at ``out``."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        str(model_dir), local_files_only=True, dtype=torch.float32
    ).eval()
    # two pairs of different lengths, padded: the traced graph must handle padding and any batch/length
    sample = tok(["A premise sentence here.", "Short."], ["A hypothesis.", "Two words"], padding=True,
                 return_tensors="pt")  # fmt: skip
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence", max=config.NLI_MAX_LENGTH)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # the dynamo exporter: the TorchScript one bakes the sample's attention-mask shape into the graph
    with _quiet():
        torch.onnx.export(
            model, (), str(out), kwargs={n: sample[n] for n in names}, input_names=names,
            output_names=["logits"], dynamic_shapes={n: {0: batch, 1: seq} for n in names},
            opset_version=opset, dynamo=True, external_data=False, verbose=False,
        )  # fmt: skip
    return out
