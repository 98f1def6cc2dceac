"""Shared helpers for the benchmarks: the BLAS in use, interleaved timing, the reference."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def blas_report() -> str:
    """Which BLAS kernels NumPy (and PyTorch) run on, read from the loaded libraries."""
    import numpy as np
    from threadpoolctl import threadpool_info

    lines = [f"NumPy {np.__version__}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}"]
    for pool in threadpool_info():
        if pool.get("user_api") != "blas":
            continue
        lines.append(
            f"  BLAS: {pool.get('internal_api')} {pool.get('version')} kernel={pool.get('architecture')} "
            f"threads={pool.get('num_threads')} ({Path(pool.get('filepath', '')).name})"
        )
    try:
        import torch

        backend = "MKL" if torch.backends.mkl.is_available() else "its bundled BLAS"
        lines.append(f"PyTorch {torch.__version__}: matmul via {backend}, {torch.get_num_threads()} threads")
    except ImportError:  # pragma: no cover
        lines.append("PyTorch not installed")
    return "\n".join(lines)


def interleaved(candidates: dict, repeats: int) -> dict[str, float]:
    """Median seconds of each callable, measured in turns (one of each per round) so that a
    slow phase of the machine hits every candidate alike. One warm-up round is discarded."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for round_ in range(repeats + 1):
        for name, fn in candidates.items():
            started = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - started
            if round_:
                times[name].append(elapsed)
    return {name: statistics.median(t) for name, t in times.items()}


def settled(candidates: dict, rounds: int, block: int = 5, settle: float = 0.3) -> dict[str, float]:
    """Median seconds of each callable, for libraries that run their own thread pools (NumPy's
    OpenBLAS, PyTorch's OpenMP). After a call, such a pool keeps its threads spinning for a
    while (OpenBLAS: about 0.1 s), and on 2 cores they slow the other library's next call down
    by up to 2x. So each candidate runs in blocks: a pause of ``settle`` seconds, one untimed
    call, then ``block`` timed calls; the blocks take turns over ``rounds`` rounds (plus one
    discarded warm-up round)."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for round_ in range(rounds + 1):
        for name, fn in candidates.items():
            time.sleep(settle)
            fn()
            for _ in range(block):
                started = time.perf_counter()
                fn()
                elapsed = time.perf_counter() - started
                if round_:
                    times[name].append(elapsed)
    return {name: statistics.median(t) for name, t in times.items()}


def reference(assignment: str):
    """The reference module of ``assignment``, loaded from solutions/."""
    import sys

    sys.path.insert(0, str(ROOT))
    from autograder.core.loader import load_module

    return load_module(ROOT / "solutions" / assignment / f"{assignment}.py", f"reference_{assignment}")
