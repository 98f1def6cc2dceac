"""The inner loops of word2vec: the reference sgns_update, cbow_update and hs_update (d = 100,
batches of 1024 examples, K = 5 negatives where there are negatives) in examples per second,
against gensim's Word2Vec with the same settings (one worker) on the same corpus (gensim's
lee_background.cor), same run, epochs alternating. gensim trains with shrink_windows=False and
sample=0 so that its examples are exactly ours at window 5: skipgram_pairs for skip-gram (pairs),
cbow_windows for CBOW (one window per centre word); its time includes drawing negatives and
walking the windows (its C loop does all of it), ours only the update calls. gensim's vectors are
float32 (its REAL): ours are timed with float32 tables too (the reference keeps the tables' dtype),
the same work at the same precision, and with float64 tables for comparison. Goal: at least 1/4
of gensim's throughput for each, at gensim's precision."""

from __future__ import annotations

import time

import numpy as np
from common import reference

GOAL = 0.25


def lee_corpus(articles: int | None):
    """(texts, vocabulary sorted by frequency, ids of every article, counts)."""
    from gensim.test.utils import datapath
    from gensim.utils import simple_preprocess

    with open(datapath("lee_background.cor"), encoding="utf8") as corpus:
        texts = [simple_preprocess(line) for line in corpus][:articles]
    counts: dict[str, int] = {}
    for text in texts:
        for word in text:
            counts[word] = counts.get(word, 0) + 1
    vocabulary = sorted(counts, key=lambda w: (-counts[w], w))
    ids = {w: i for i, w in enumerate(vocabulary)}
    documents = [np.array([ids[w] for w in text], dtype=np.int64) for text in texts]
    return texts, vocabulary, documents, np.array([counts[w] for w in vocabulary])


DTYPES = (np.float32, np.float64)  # gensim's precision first


def race(epochs: int, ours_epoch, model, texts) -> tuple[dict, float]:
    """Seconds of ``ours_epoch(dtype)`` (which times itself) per dtype and of gensim's epochs,
    alternating."""
    ours = dict.fromkeys(DTYPES, 0.0)
    theirs = 0.0
    for _ in range(epochs):
        for dtype in DTYPES:
            ours[dtype] += ours_epoch(dtype)
        started = time.perf_counter()
        model.train(texts, total_examples=len(texts), epochs=1)
        theirs += time.perf_counter() - started
    return ours, theirs


def report(title: str, ours_name: str, theirs_name: str, examples: int, unit: str, ours: dict,
           theirs: float) -> float:
    """Prints the rates; returns the ratio at gensim's precision (float32), which the goal judges."""
    theirs_rate = examples / theirs
    print(title)
    print(f"  gensim {theirs_name} {theirs_rate / 1e3:8.0f}K {unit}/s (float32)")
    ratios = {}
    for dtype in DTYPES:
        rate = examples / ours[dtype]
        ratios[dtype] = rate / theirs_rate
        verdict = (f"(goal >= {GOAL}: {'met' if ratios[dtype] >= GOAL else 'MISSED'})" if dtype is np.float32
                   else "(for comparison: float64 tables)")
        print(f"  reference {ours_name}, {np.dtype(dtype).name} tables {rate / 1e3:8.0f}K {unit}/s   "
              f"ratio {ratios[dtype]:4.2f} {verdict}")
    return ratios[np.float32]


def run(epochs: int = 3, articles: int | None = None, d: int = 100, K: int = 5, B: int = 1024) -> list[float]:
    from gensim.models import Word2Vec

    w2v = reference("word2vec")
    texts, vocabulary, documents, counts = lee_corpus(articles)
    V = len(vocabulary)
    pairs = [w2v.skipgram_pairs(doc, 5) for doc in documents]
    centers, contexts = np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])
    P = len(centers)
    probs = w2v.negative_sampling_probs(counts)
    rng = np.random.default_rng(0)
    common = {"vector_size": d, "window": 5, "min_count": 1, "sample": 0, "workers": 1, "seed": 0,
              "shrink_windows": False}
    ratios = []

    # skip-gram with negative sampling
    start_in = (rng.random((V, d)) - 0.5) / d
    tables = {dtype: (start_in.astype(dtype), np.zeros((V, d), dtype)) for dtype in DTYPES}

    def sgns_epoch(dtype) -> float:
        W_in, W_out = tables[dtype]
        order = rng.permutation(P)
        c, o = centers[order], contexts[order]
        negatives = rng.choice(V, size=(P, K), p=probs)
        started = time.perf_counter()
        for start in range(0, P, B):
            w2v.sgns_update(W_in, W_out, c[start:start + B], o[start:start + B], negatives[start:start + B], 0.01)
        return time.perf_counter() - started

    model = Word2Vec(sg=1, negative=K, hs=0, **common)
    model.build_vocab(texts)
    ours, theirs = race(epochs, sgns_epoch, model, texts)
    ratios.append(report(f"word2vec skip-gram, {len(texts)} articles of lee_background.cor, {P:,} pairs per epoch "
                         f"(window 5), V={V}, d={d}, K={K}, {epochs} epoch(s), epochs alternating:",
                         f"sgns_update (batches of {B})", f"Word2Vec(sg=1, negative={K}, workers=1)", epochs * P,
                         "pairs", ours, theirs))

    # CBOW with negative sampling
    windows = [w2v.cbow_windows(doc, 5) for doc in documents]
    window_contexts, window_centers = np.concatenate([w[0] for w in windows]), np.concatenate([w[1] for w in windows])
    N = len(window_centers)
    start_in = (rng.random((V, d)) - 0.5) / d
    tables = {dtype: (start_in.astype(dtype), np.zeros((V, d), dtype)) for dtype in DTYPES}

    def cbow_epoch(dtype) -> float:
        W_in, W_out = tables[dtype]
        order = rng.permutation(N)
        x, c = window_contexts[order], window_centers[order]
        negatives = rng.choice(V, size=(N, K), p=probs)
        started = time.perf_counter()
        for start in range(0, N, B):
            w2v.cbow_update(W_in, W_out, x[start:start + B], c[start:start + B], negatives[start:start + B], 0.01)
        return time.perf_counter() - started

    model = Word2Vec(sg=0, cbow_mean=1, negative=K, hs=0, **common)
    model.build_vocab(texts)
    ours, theirs = race(epochs, cbow_epoch, model, texts)
    ratios.append(report(f"word2vec CBOW, {N:,} windows per epoch (window 5, one per centre word), V={V}, d={d}, "
                         f"K={K}:", f"cbow_update (batches of {B})",
                         f"Word2Vec(sg=0, cbow_mean=1, negative={K}, workers=1)", epochs * N, "windows", ours,
                         theirs))

    # skip-gram with the hierarchical softmax
    started = time.perf_counter()
    codes, points = w2v.huffman_codes(counts)
    tree_seconds = time.perf_counter() - started
    depth = float(np.sum(counts * np.array([len(c) for c in codes])) / counts.sum())
    start_in = (rng.random((V, d)) - 0.5) / d
    tables = {dtype: (start_in.astype(dtype), np.zeros((V - 1, d), dtype)) for dtype in DTYPES}

    def hs_epoch(dtype) -> float:
        W_in, W_node = tables[dtype]
        order = rng.permutation(P)
        c, o = centers[order], contexts[order]
        started = time.perf_counter()
        for start in range(0, P, B):
            w2v.hs_update(W_in, W_node, c[start:start + B], o[start:start + B], codes, points, 0.01)
        return time.perf_counter() - started

    model = Word2Vec(sg=1, hs=1, negative=0, **common)
    model.build_vocab(texts)
    ours, theirs = race(epochs, hs_epoch, model, texts)
    ratios.append(report(f"word2vec skip-gram with the hierarchical softmax, {P:,} pairs per epoch, V={V}, d={d}, "
                         f"Huffman tree of mean depth {depth:.1f} per word occurrence (huffman_codes "
                         f"{tree_seconds * 1e3:.0f} ms, not counted):", f"hs_update (batches of {B})",
                         "Word2Vec(sg=1, hs=1, negative=0, workers=1)", epochs * P, "pairs", ours, theirs))
    return ratios
