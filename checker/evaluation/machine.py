"""The machine's own speed, measured in the same run as what it is compared with, so that timings on
different CPUs (AVX-512 VNNI or AVX2 only, busy or idle) can be compared."""

from __future__ import annotations

import time

import numpy as np


def reference_gflops(seconds: float = 2.0, size: int = 1024) -> float:
    """fp32 matrix products (``size`` square, numpy's BLAS on all the process's threads) per second, in
    GFLOP/s: the kind of work the models do."""
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    a @ a  # warm
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a @ a
        n += 1
    return 2 * size**3 * n / (time.perf_counter() - t0) / 1e9
