"""The inner loop of word2vec: the reference sgns_update (K = 5 negatives, d = 100, batches of
1024 pairs) in pairs per second, against gensim's Word2Vec(sg=1, negative=5, workers=1) on the
same corpus (gensim's lee_background.cor), same run, one after the other. gensim trains with
shrink_windows=False and sample=0 so that its pairs are exactly skipgram_pairs(window=5) of each
article; its time includes drawing negatives and walking the windows (its C loop does all of
it), ours only the sgns_update calls. Goal: at least 1/4 of gensim's pairs per second."""

from __future__ import annotations

import time

import numpy as np
from common import reference

GOAL = 0.25


def run(epochs: int = 3, articles: int | None = None, d: int = 100, K: int = 5, B: int = 1024) -> float:
    from gensim.models import Word2Vec
    from gensim.test.utils import datapath
    from gensim.utils import simple_preprocess

    w2v = reference("word2vec")
    with open(datapath("lee_background.cor"), encoding="utf8") as corpus:
        texts = [simple_preprocess(line) for line in corpus][:articles]
    counts: dict[str, int] = {}
    for text in texts:
        for word in text:
            counts[word] = counts.get(word, 0) + 1
    vocabulary = sorted(counts, key=lambda w: (-counts[w], w))
    ids = {w: i for i, w in enumerate(vocabulary)}
    pairs = [w2v.skipgram_pairs(np.array([ids[w] for w in text], dtype=np.int64), 5) for text in texts]
    centers, contexts = np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])
    P, V = len(centers), len(vocabulary)
    probs = w2v.negative_sampling_probs(np.array([counts[w] for w in vocabulary]))
    rng = np.random.default_rng(0)
    W_in, W_out = (rng.random((V, d)) - 0.5) / d, np.zeros((V, d))

    model = Word2Vec(vector_size=d, sg=1, negative=K, window=5, min_count=1, sample=0, workers=1, seed=0,
                     shrink_windows=False)
    model.build_vocab(texts)

    ours = theirs = 0.0
    for _ in range(epochs):
        order = rng.permutation(P)
        c, o = centers[order], contexts[order]
        negatives = rng.choice(V, size=(P, K), p=probs)
        started = time.perf_counter()
        for start in range(0, P, B):
            w2v.sgns_update(W_in, W_out, c[start:start + B], o[start:start + B], negatives[start:start + B], 0.01)
        ours += time.perf_counter() - started
        started = time.perf_counter()
        model.train(texts, total_examples=len(texts), epochs=1)
        theirs += time.perf_counter() - started
    ours_rate, theirs_rate = epochs * P / ours, epochs * P / theirs
    ratio = ours_rate / theirs_rate
    print(f"word2vec skip-gram, {len(texts)} articles of lee_background.cor, {P:,} pairs per epoch (window 5), "
          f"V={V}, d={d}, K={K}, {epochs} epoch(s), epochs alternating:")
    print(f"  reference sgns_update (batches of {B}) {ours_rate / 1e3:8.0f}K pairs/s   "
          f"gensim {model.__class__.__name__}(sg=1, negative={K}, workers=1) {theirs_rate / 1e3:8.0f}K pairs/s   "
          f"ratio {ratio:4.2f} (goal >= {GOAL}: {'met' if ratio >= GOAL else 'MISSED'})")
    return ratio
