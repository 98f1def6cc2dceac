"""The word2vec notebook's text and experiment (lecture notes 4.3)."""

TITLE = "word2vec: skip-gram with negative sampling"

INTRO = r"""
# word2vec by hand

*Lecture notes, chapter 4.3: words as vectors, training pairs from a sliding window, skip-gram,
and negative sampling.*

## Words as vectors

A one-hot vector says nothing about a word: "king" is as far from "queen" as from "banana".
word2vec learns for every word $w$ of a vocabulary of $V$ words a dense vector of $d$ numbers
(here $d = 100$ or less) such that words used in the same contexts get similar vectors — "you
shall know a word by the company it keeps".

## Training pairs from a sliding window (skip-gram)

Slide a window over the text. For the sentence "the cat sat on the mat" and a window of 2,
the centre word "sat" has the context words "the", "cat", "on", "the": four training pairs
(sat, the), (sat, cat), (sat, on), (sat, the). **Skip-gram** asks the model to predict each
context word $o$ from the centre word $c$. Every word has two vectors: $v_w$ (a row of `W_in`)
when it is the centre, $u_w$ (a row of `W_out`) when it is a context word.

## Why not a softmax over the vocabulary

The natural model is $P(o \mid c) = \exp(u_o \cdot v_c) / \sum_{w=1}^{V} \exp(u_w \cdot v_c)$:
every pair would cost $V$ dot products (and their gradients) — tens of thousands per pair.

## Negative sampling

Instead, tell the true context word apart from $K$ words drawn at random, the **negatives**
($K = 5$, as gensim recommends), with a logistic loss:

$$L = -\log \sigma(u_o \cdot v_c) - \sum_{k=1}^{K} \log \sigma(-u_k \cdot v_c).$$

The first term pulls $u_o$ and $v_c$ together, the second pushes the negatives away: $K + 1$ dot
products per pair instead of $V$. The negatives are drawn from the word frequencies raised to
the power $3/4$, which draws rare words a little more often than their frequency.

Its gradients, with $\sigma'(x) = \sigma(x)(1 - \sigma(x))$ and $\frac{d}{dx}\log\sigma(x) = 1 - \sigma(x)$:

$$\frac{\partial L}{\partial v_c} = (\sigma(u_o \cdot v_c) - 1)\, u_o + \sum_k \sigma(u_k \cdot v_c)\, u_k,\qquad
\frac{\partial L}{\partial u_o} = (\sigma(u_o \cdot v_c) - 1)\, v_c,\qquad
\frac{\partial L}{\partial u_k} = \sigma(u_k \cdot v_c)\, v_c.$$

## Two traps

- $\log \sigma(x)$ written literally overflows or takes $\log 0$ once $|x|$ is large: use
  $\log \sigma(x) = -\log(1 + e^{-x})$ = `-np.logaddexp(0, -x)`.
- A batch uses the same word many times (as a centre, a context, a negative). `W[idx] -= g`
  with a repeated index keeps **one** of its updates; every update must add up (`np.add.at`, or
  faster equivalents), and every gradient must come from the parameters as they were before
  the step.

Implement the functions in order; each test cell checks its function.
"""

SETUP = r"""
Run this cell first: it imports what the functions below may use.
"""

SECTIONS = {
    "skipgram_pairs": r"""
## 1. Training pairs

For each position $t$ in order, and each offset $-w, \dots, -1, 1, \dots, w$ in that order, the
pair (tokens[t], tokens[t + offset]) when $0 \le t + \text{offset} < T$. No loop over positions
is needed: a (T, 2w) table of positions and a mask of the valid ones give all pairs at once.
""",
    "negative_sampling_probs": r"""
## 2. The distribution of the negatives

Proportional to `counts ** power`, summing to 1; a word that never occurs is never drawn.
""",
    "sgns_loss": r"""
## 3. The loss of one pair and its gradients

The formulas above. Row $k$ of `grad_u_neg` is the gradient with respect to `u_neg[k]` as a
separate argument, even when two rows are equal. The check feeds dot products of $\pm 1000$: a
warning or an infinity costs the point.
""",
    "sgns_update": r"""
## 4. One SGD step on a batch of pairs

All B pairs at once: gather the rows (copies), compute every score and every gradient, then
update `W_in` and `W_out` **in place**, with each repeated word receiving the sum of its
gradients. This is the inner loop of training: the benchmark compares it with gensim's C code.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 5. Experiment: word vectors from a real corpus, next to gensim's

The Lee corpus ships with gensim (`gensim.test.utils.datapath("lee_background.cor")`): 300
Australian news articles, about 58 000 words. We train skip-gram with your functions (window 5,
5 negatives, $d = 100$, 10 epochs, frequent words subsampled and the learning rate decaying from
0.025, as gensim does) and gensim's own `Word2Vec(sg=1, negative=5)` with the same settings. Then
we compare nearest neighbours, the Spearman correlation with human similarity judgements of the
WordSim-353 pairs that occur in the corpus (`wordsim353.tsv`, also shipped with gensim), and
draw the most frequent words in two dimensions.

This cell needs gensim (`pip install gensim`); nothing is downloaded.
"""),
    ("code", r"""
import time

import matplotlib.pyplot as plt
from gensim.models import Word2Vec
from gensim.parsing.preprocessing import STOPWORDS
from gensim.test.utils import datapath
from gensim.utils import simple_preprocess
from scipy.stats import spearmanr

with open(datapath("lee_background.cor"), encoding="utf8") as corpus:
    texts = [simple_preprocess(line) for line in corpus]
frequency = {}
for text in texts:
    for word in text:
        frequency[word] = frequency.get(word, 0) + 1
vocabulary = sorted((w for w in frequency if frequency[w] >= 5), key=lambda w: (-frequency[w], w))
word_id = {w: i for i, w in enumerate(vocabulary)}
word_counts = np.array([frequency[w] for w in vocabulary], dtype=np.float64)
documents = [np.array([word_id[w] for w in text if w in word_id]) for text in texts]
V, DIM, NEG, WINDOW, EPOCHS, BATCH, LR = len(vocabulary), 100, 5, 5, 10, 1024, 0.025
print(f"{len(texts)} articles, {int(word_counts.sum())} words kept, vocabulary of {V} words (5 occurrences or more)")

rng = np.random.default_rng(0)
embeddings_in = (rng.random((V, DIM)) - 0.5) / DIM
embeddings_out = np.zeros((V, DIM))
cumulative = np.cumsum(negative_sampling_probs(word_counts))
threshold = 1e-3 * word_counts.sum()  # gensim's sample=1e-3: keep a word with this probability
keep = np.minimum(1.0, (np.sqrt(word_counts / threshold) + 1) * threshold / word_counts)
started, pair_count, epoch_losses = time.perf_counter(), 0, []
for epoch in range(EPOCHS):
    kept = [doc[rng.random(len(doc)) < keep[doc]] for doc in documents]
    pair_lists = [skipgram_pairs(doc, WINDOW) for doc in kept]
    all_centers = np.concatenate([p[0] for p in pair_lists])
    all_contexts = np.concatenate([p[1] for p in pair_lists])
    shuffle = rng.permutation(len(all_centers))
    all_centers, all_contexts = all_centers[shuffle], all_contexts[shuffle]
    batch_losses = []
    for start in range(0, len(all_centers), BATCH):
        progress = (epoch + start / len(all_centers)) / EPOCHS
        chosen = slice(start, start + BATCH)
        drawn = np.searchsorted(cumulative, rng.random((len(all_centers[chosen]), NEG)))
        drawn = np.minimum(drawn, V - 1)
        batch_losses.append(sgns_update(embeddings_in, embeddings_out, all_centers[chosen], all_contexts[chosen],
                                        drawn, LR * max(1e-4, 1 - progress)).mean())
    pair_count += len(all_centers)
    epoch_losses.append(np.mean(batch_losses))
ours_seconds = time.perf_counter() - started
print(f"your functions: {ours_seconds:.1f} s, {pair_count / ours_seconds:,.0f} pairs/s")

started = time.perf_counter()
reference = Word2Vec(texts, vector_size=DIM, sg=1, negative=NEG, window=WINDOW, min_count=5, epochs=EPOCHS,
                     workers=1, seed=0)
print(f"gensim Word2Vec(sg=1, negative=5), 1 worker: {time.perf_counter() - started:.1f} s")

unit = embeddings_in / np.linalg.norm(embeddings_in, axis=1, keepdims=True)


def neighbours(word, n=5):
    similarity = unit @ unit[word_id[word]]
    return [vocabulary[i] for i in np.argsort(-similarity)[1:n + 1]]


print()
print(f"{'word':12s} {'nearest with your functions':48s} nearest with gensim")
for word in ["government", "police", "afghanistan", "fire", "president", "australia", "bush"]:
    print(f"{word:12s} {', '.join(neighbours(word)):48s} {', '.join(w for w, _ in reference.wv.most_similar(word, topn=5))}")

with open(datapath("wordsim353.tsv"), encoding="utf8") as judgements:
    rows = [line.rstrip("\n").split("\t") for line in judgements if not line.startswith("#")]
rows = [(a.lower(), b.lower(), float(score)) for a, b, score in rows if a.lower() in word_id and b.lower() in word_id]
human = [score for _, _, score in rows]
ours_similarity = [unit[word_id[a]] @ unit[word_id[b]] for a, b, _ in rows]
gensim_similarity = [reference.wv.similarity(a, b) for a, b, _ in rows]
print()
print(f"WordSim-353, the {len(rows)} pairs in the vocabulary: Spearman correlation with the human scores "
      f"{spearmanr(ours_similarity, human)[0]:.3f} (your functions), {spearmanr(gensim_similarity, human)[0]:.3f} (gensim)")

shown = [w for w in vocabulary if w not in STOPWORDS][:40]
fig, axes = plt.subplots(1, 3, figsize=(17, 5.2))
axes[0].plot(np.arange(1, EPOCHS + 1), epoch_losses, marker="o")
axes[0].set_xlabel("epoch")
axes[0].set_title("mean loss per pair (your sgns_update)")
for ax, (title, vectors) in zip(axes[1:], [("your functions", embeddings_in[[word_id[w] for w in shown]]),
                                           ("gensim", reference.wv[shown])]):
    centred = vectors - vectors.mean(axis=0)
    projection = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T  # the first two principal axes
    ax.scatter(projection[:, 0], projection[:, 1], s=8)
    for (x, y), word in zip(projection, shown):
        ax.annotate(word, (x, y), fontsize=8)
    ax.set_title(f"40 most frequent non-stopwords, {title} (PCA)")
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
A corpus of 58 000 words is small for word2vec (gensim's own tests use it as a smoke test), so
the neighbours are topical rather than synonyms ("afghanistan" sits with "taliban",
"president" with "bush"), and the two trainings find many of the same neighbours and much the
same picture. Only about 60 WordSim-353 pairs have both words in
the vocabulary, so the correlations are small and noisy for both; a corpus of a billion words
brings them to about 0.7. Your `sgns_update` is the whole of your model's learning: the pairs
and the negatives are drawn outside it, exactly as in gensim's C loop.
"""),
]
