"""The NLI cross-encoder's ONNX export on onnxruntime: the fast CPU backend of ``runtime.nli``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from checker import config
from checker.runtime import work


class OnnxCrossEncoder:
    """The cross-encoder's ONNX export on onnxruntime, with the model's own tokenizer; pairs are batched by
    length so each batch is padded only to its longest pair."""

    def __init__(self, model_dir: str | Path, onnx_file: str | Path, max_length: int = config.NLI_MAX_LENGTH):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.max_length = max_length
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = config.available_cores()
        opts.inter_op_num_threads = 1
        # idle threads sleep instead of spinning: on shared or busy cores spinning halves throughput
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def predict(
        self, pairs: Sequence[tuple[str, str]], batch_size: int = config.NLI_BATCH_SIZE,
        apply_softmax: bool = True, **_: object,
    ) -> np.ndarray:  # fmt: skip
        enc = self.tokenizer(
            [a for a, _ in pairs], [b for _, b in pairs], truncation=True, max_length=self.max_length
        )
        lengths = np.array([len(ids) for ids in enc["input_ids"]])
        work.add("nli", int(lengths.sum()), len(pairs), 0)
        order = np.argsort(-lengths, kind="stable")
        out = np.zeros((len(pairs), 0), dtype=np.float32)
        lo = 0
        while lo < len(order):
            # at most batch_size pairs and config.NLI_BATCH_TOKENS tokens (padded): long pairs go in small
            # batches, so onnxruntime's memory arena stays the size of one modest batch
            size = max(1, min(batch_size, config.NLI_BATCH_TOKENS // int(lengths[order[lo]])))
            idx = order[lo : lo + size]
            lo += size
            width = int(lengths[idx[0]])
            feed = {}
            for name in ("input_ids", "attention_mask", "token_type_ids"):
                if name in self.inputs and name in enc:
                    pad = self.tokenizer.pad_token_id if name == "input_ids" else 0
                    rows = np.full((len(idx), width), pad or 0, dtype=np.int64)
                    for r, i in enumerate(idx):
                        ids = enc[name][i]
                        rows[r, : len(ids)] = ids
                    feed[name] = rows
            logits = self.session.run(None, feed)[0]
            work.add("nli", 0, 0, 1)
            if out.shape[1] == 0:
                out = np.zeros((len(pairs), logits.shape[1]), dtype=np.float32)
            out[idx] = logits
        if apply_softmax:
            out = np.exp(out - out.max(axis=1, keepdims=True))
            out /= out.sum(axis=1, keepdims=True)
        return out
