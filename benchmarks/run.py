"""Run every benchmark: `python benchmarks/run.py` (or `bash dev.sh bench`).

Each benchmark prints times and ratios against a baseline measured in the same run (GEMM,
PyTorch, ...); this machine's timings are noisy, its ratios much less so. `--quick` shrinks the
problem sizes for a smoke test."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch_grading  # noqa: E402
import cluster_grading  # noqa: E402
import conv_layers  # noqa: E402
import full_grade  # noqa: E402
import gradescope_limits  # noqa: E402
import knn_distances  # noqa: E402
import linear_losses  # noqa: E402
import lstm_step  # noqa: E402
import word2vec_update  # noqa: E402
from common import blas_report  # noqa: E402

BENCHMARKS = {"knn_distances": knn_distances, "linear_losses": linear_losses, "conv_layers": conv_layers,
              "lstm_step": lstm_step, "word2vec_update": word2vec_update, "batch_grading": batch_grading,
              "full_grade": full_grade, "gradescope_limits": gradescope_limits,
              "cluster_grading": cluster_grading}
QUICK = {"knn_distances": {"repeats": 1, "N": 50, "M": 200, "D": 64},
         "linear_losses": {"repeats": 1, "N": 20, "D": 30, "C": 4},
         "conv_layers": {"rounds": 1, "shapes": [((2, 3, 8, 8), (4, 3, 3, 3))], "settle": 0.0,
                         "residual_shapes": [((2, 3, 8, 8), 3)]},
         "lstm_step": {"rounds": 1, "N": 4, "D": 8, "H": 16, "settle": 0.0},
         "word2vec_update": {"epochs": 1, "articles": 10},
         "batch_grading": {"count": 2, "notebooks": 1},
         "full_grade": {"repeats": 0, "batch": 0},
         "gradescope_limits": {"slow": False, "assignments": ("knn",)},
         "cluster_grading": {"count": 2}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default all: {', '.join(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat: a smoke test")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    print(blas_report())
    print()
    for name in args.names or BENCHMARKS:
        module = BENCHMARKS[name]
        module.run(**QUICK[name]) if args.quick else module.run()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
