"""The benchmark command works (a smoke test on small sizes; no timing is asserted)."""

import subprocess
import sys

from conftest import ROOT


def test_benchmarks_run_and_report_blas_and_ratios():
    proc = subprocess.run([sys.executable, "benchmarks/run.py", "--quick"], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "BLAS:" in proc.stdout and "kernel=" in proc.stdout
    assert "reference / GEMM =" in proc.stdout and "torch.cdist" in proc.stdout
    assert "conv forward" in proc.stdout and "conv backward" in proc.stdout and "pool backward" in proc.stdout
    assert "residual block (notes 3.8)" in proc.stdout and "(goal <= 2.5x:" in proc.stdout
    assert "torch.nn.LSTMCell" in proc.stdout
    assert "gensim Word2Vec(sg=1, negative=5, workers=1)" in proc.stdout and "pairs/s" in proc.stdout
    assert "gensim Word2Vec(sg=0, cbow_mean=1, negative=5, workers=1)" in proc.stdout and "windows/s" in proc.stdout
    assert "gensim Word2Vec(sg=1, hs=1, negative=0, workers=1)" in proc.stdout
    assert proc.stdout.count("(goal >= 0.25:") == 3
    assert "the five slowest checks:" in proc.stdout and "full submissions:" in proc.stdout
    assert "graded by run_autograder's grader" in proc.stdout and "31/31 points in" in proc.stdout
    assert "of 768 MB" in proc.stdout and "of 10 min" in proc.stdout
    assert "Ray (--cluster local --jobs 2):" in proc.stdout and "Ray's overhead per submission" in proc.stdout
    assert "same CSV: yes" in proc.stdout


def test_unknown_benchmark_is_refused():
    proc = subprocess.run([sys.executable, "benchmarks/run.py", "nope"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown benchmark" in proc.stderr
