"""Which precision the torch encoders (the attribution tagger, the sentence embedder) run in on this machine.

bf16 autocast halves their time where the CPU multiplies bf16 natively (AVX-512 BF16, AMX) and costs time
where it does not; ``config.BF16`` (``CHECKER_BF16``) decides, "auto" by the CPU's features.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache

from checker import config
from checker.errors import UsageError
from checker.runtime.backends import cpu


@lru_cache(maxsize=1)
def bf16() -> bool:
    """Whether the torch encoders run under bf16 autocast in this process."""
    choice = config.BF16.strip().lower()
    if choice not in config.BF16_CHOICES:
        raise UsageError(f"CHECKER_BF16 is {config.BF16!r}: use one of {', '.join(config.BF16_CHOICES)}")
    if choice != "auto":
        return choice == "on"
    return bool(config.BF16_FEATURES & set(cpu()[1]))


def name() -> str:
    """``bf16`` or ``fp32``: what the torch encoders compute in (for reports and ``checker bench``)."""
    return "bf16" if bf16() else "fp32"


def autocast() -> contextlib.AbstractContextManager:
    """A context in which the torch encoders run at this machine's precision."""
    if not bf16():
        return contextlib.nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)
