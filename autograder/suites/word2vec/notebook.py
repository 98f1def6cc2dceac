"""The word2vec notebook's text and experiment (lecture notes 4.3)."""

TITLE = "word2vec: skip-gram and CBOW, negative sampling and the hierarchical softmax"

INTRO = r"""
# word2vec by hand

*Lecture notes, chapter 4.3: words as vectors, training pairs from a sliding window, skip-gram
and CBOW, negative sampling and the hierarchical softmax.*

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

## CBOW: the context predicts the word

The notes' first picture slides a window and asks the model to fill in the blank: the words
around a position predict the word at it. This is **CBOW** (continuous bag of words), the mirror
image of skip-gram. For "the cat sat on the mat" and a window of 2, the centre "sat" is predicted
from the **mean** of the vectors of "the", "cat", "on", "the":

$$h = \frac{1}{|C|}\sum_{w \in C} v_w,\qquad
L = -\log \sigma(u_c \cdot h) - \sum_{k=1}^{K} \log \sigma(-u_k \cdot h),$$

with negative sampling as before (again $K = 5$ negatives). One training example per position
instead of one per pair: CBOW is faster, skip-gram better with rare words. Near the ends of a
sentence the window is shorter: the missing words are padding, marked $-1$, and the mean is over
the words that are there. Since $h$ is a mean, each of the $|C|$ context words receives
$\frac{1}{|C|}\frac{\partial L}{\partial h}$.

## The hierarchical softmax: a binary tree over the vocabulary

The notes' other way around the softmax over $V$ words: instead of asking "which of the $V$
words is it?", ask a chain of yes/no questions, "is the word in the first 5000? if so, is it in
the first 2500? ..." — a binary tree whose leaves are the words. Each inner node $n$ has a
vector $W_{node}[n]$ and answers its question with a logistic regression on the centre's vector;
the probability of a word is the product of the probabilities of the branches on the path from
the root to its leaf:

$$P(o \mid c) = \prod_{(n, b) \in \text{path}(o)} \sigma(s_b\, W_{node}[n] \cdot v_c),\qquad
s_b = +1 \text{ for bit } b = 0,\ -1 \text{ for } b = 1,$$

so $L = -\sum_{(n, b)} \log \sigma(s_b\, W_{node}[n] \cdot v_c)$. Since
$\sigma(x) + \sigma(-x) = 1$ at every node, the probabilities of all $V$ words add up to 1: a
softmax, at the cost of the depth of the tree ($\log_2 V$ dot products) instead of $V$.

Which tree? word2vec uses the **Huffman tree** of the word counts: repeatedly merge the two least
frequent nodes into one. Frequent words get short paths, so that the average cost per training
pair, $\sum_w \text{count}_w L_w$, is as small as any binary tree allows.
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
    "cbow_windows": r"""
## 5. CBOW's windows

One row per position: the $2w$ words at offsets $-w, \dots, -1, 1, \dots, w$, with $-1$ where the
window runs past either end. A position with no other word around it (a sequence of one token)
gives no row.
""",
    "cbow_update": r"""
## 6. One SGD step of CBOW with negative sampling

As `sgns_update`, with $h$ (the mean of a window's context vectors) in place of $v_c$. Padding
($-1$) is not a word: leave it out of the mean and out of the update. The same word may occur
twice in one window; its gradients add up like any other repeat.
""",
    "huffman_codes": r"""
## 7. The Huffman tree

Keep the nodes in a priority queue (`heapq`) keyed by their counts; merge the two smallest into a
new inner node until one is left (the root). Then read each word's path **from the root down**:
the branch bits in `codes[w]`, the inner nodes in `points[w]` (numbered $0, \dots, V-2$). Ties
may be broken either way: the check judges the tree by its properties (prefix-free, one tree,
optimal cost).
""",
    "hs_update": r"""
## 8. One SGD step of skip-gram with the hierarchical softmax

For each pair $(c, o)$ walk the path of the context word $o$: at node $n$ with bit $b$ the loss
is $\log(1 + e^{-s_b x})$ with $x = W_{node}[n] \cdot v_c$. Lay the batch's paths end to end (one
entry per (pair, node)) and everything is vectorised, as in `sgns_update`; the root is on every
path, so repeated rows of `W_node` are the rule here, not the exception.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 9. Experiment: the four word2vec models on a real corpus, next to gensim's

The Lee corpus ships with gensim (`gensim.test.utils.datapath("lee_background.cor")`): 300
Australian news articles, about 58 000 words. We train the four combinations — skip-gram or
CBOW, negative sampling ($K = 5$) or the hierarchical softmax — with your functions (window 5,
$d = 50$, 4 epochs, frequent words subsampled and the learning rate decaying linearly, as gensim
does) and gensim's own `Word2Vec` with the same settings (one worker). For each we time an epoch,
follow the mean loss per training example, list the nearest neighbours of a few words, and
compute the Spearman correlation with human similarity judgements of the WordSim-353 pairs that
occur in the corpus (`wordsim353.tsv`, also shipped with gensim).

The contract's `hs_update` is skip-gram's; CBOW with the hierarchical softmax (`cbow_hs_step`)
runs it on a table of the batch's window means $h$ (row $b$ predicts centre $b$), and your
`cbow_update` does CBOW's part. A CBOW step with no negatives and a centre vector $u = 0$ has
$\sigma(u \cdot h) = 1/2$: it moves $u$ by $\frac{\text{lr}}{2} h$ and the context vectors not at
all, so with lr $= 2$ it reads the means $h$. The same step on context vectors that are all zero
($h = 0$) moves each context word of a window by $u / |C|$: with $u$ = the change of $h$, it gives
each word its share.

This cell needs gensim (`pip install gensim`); nothing is downloaded. It takes about 20 seconds.
"""),
    ("code", r"""
import time

import matplotlib.pyplot as plt
from gensim.models import Word2Vec
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
documents = [np.array([word_id[w] for w in text if w in word_id], dtype=np.int64) for text in texts]
V, DIM, NEG, WINDOW, EPOCHS, BATCH = len(vocabulary), 50, 5, 5, 4, 1024
LR = {"skip-gram": 0.025, "CBOW": 0.1}  # CBOW's W_in gets 1/|C| of dL/dh per word (gensim gives each all of it)
print(f"{len(texts)} articles, {int(word_counts.sum())} words kept, vocabulary of {V} words (5 occurrences or more)")

cumulative = np.cumsum(negative_sampling_probs(word_counts))
codes, points = huffman_codes(word_counts)
threshold = 1e-3 * word_counts.sum()  # gensim's sample=1e-3: keep a word with this probability
keep = np.minimum(1.0, (np.sqrt(word_counts / threshold) + 1) * threshold / word_counts)


def cbow_hs_step(W_in, W_node, contexts, centers, lr):
    # CBOW with the hierarchical softmax, from your cbow_update and hs_update; the losses (B,) before the step
    rows, no_negatives = np.arange(len(centers)), np.zeros((len(centers), 0), dtype=np.int64)
    # 1. the windows' means h: with zero centre vectors and lr = 2, cbow_update moves centre row b by h_b (W_in by 0)
    h = np.zeros((len(centers), W_in.shape[1]))
    cbow_update(W_in, h, contexts, rows, no_negatives, 2.0)
    # 2. the hierarchical softmax's step on the table of means: row b predicts centre word b
    moved = h.copy()
    losses = hs_update(moved, W_node, rows, centers, codes, points, lr)
    # 3. each context word its share of the change of h: on zero context vectors (h = 0) with lr = 2,
    #    cbow_update moves every word of window b by (its row of moved - h) / (the number of words in window b)
    shares = np.zeros_like(W_in)
    cbow_update(shares, moved - h, contexts, rows, no_negatives, 2.0)
    W_in += shares
    return losses


def train(architecture, softmax, seed=0):
    # W_in after EPOCHS epochs of your functions, the seconds of each epoch and its mean loss per example
    rng = np.random.default_rng(seed)
    W_in = (rng.random((V, DIM)) - 0.5) / DIM
    W_out = np.zeros((V, DIM) if softmax == "negative sampling" else (V - 1, DIM))
    seconds, epoch_losses = [], []
    for epoch in range(EPOCHS):
        started = time.perf_counter()
        kept = [doc[rng.random(len(doc)) < keep[doc]] for doc in documents]
        if architecture == "CBOW":
            made = [cbow_windows(doc, WINDOW) for doc in kept]  # (contexts, centres)
        else:
            made = [skipgram_pairs(doc, WINDOW) for doc in kept]  # (centres, contexts)
        first, second = np.concatenate([m[0] for m in made]), np.concatenate([m[1] for m in made])
        shuffle = rng.permutation(len(first))
        first, second = first[shuffle], second[shuffle]
        losses = []
        for start in range(0, len(first), BATCH):
            lr = LR[architecture] * max(1e-4, 1 - (epoch + start / len(first)) / EPOCHS)
            a, b = first[start:start + BATCH], second[start:start + BATCH]
            if softmax == "hierarchical softmax" and architecture == "skip-gram":
                losses.append(hs_update(W_in, W_out, a, b, codes, points, lr))
                continue
            if softmax == "hierarchical softmax":
                losses.append(cbow_hs_step(W_in, W_out, a, b, lr))
                continue
            drawn = np.minimum(np.searchsorted(cumulative, rng.random((len(a), NEG))), V - 1)
            update = cbow_update if architecture == "CBOW" else sgns_update
            losses.append(update(W_in, W_out, a, b, drawn, lr))
        seconds.append(time.perf_counter() - started)
        epoch_losses.append(np.concatenate(losses).mean())
    return W_in, seconds, epoch_losses


with open(datapath("wordsim353.tsv"), encoding="utf8") as judgements:
    rows = [line.rstrip("\n").split("\t") for line in judgements if not line.startswith("#")]
rows = [(a.lower(), b.lower(), float(score)) for a, b, score in rows if a.lower() in word_id and b.lower() in word_id]
human = [score for _, _, score in rows]
WORDS = ["government", "police", "afghanistan", "fire", "president"]
results = {}
for architecture in ("skip-gram", "CBOW"):
    for softmax in ("negative sampling", "hierarchical softmax"):
        W_in, seconds, epoch_losses = train(architecture, softmax)
        started = time.perf_counter()
        theirs = Word2Vec(texts, vector_size=DIM, sg=int(architecture == "skip-gram"), cbow_mean=1,
                          hs=int(softmax == "hierarchical softmax"), negative=NEG if softmax == "negative sampling" else 0,
                          window=WINDOW, min_count=5, epochs=EPOCHS, workers=1, seed=0)
        gensim_seconds = (time.perf_counter() - started) / EPOCHS
        unit = W_in / np.linalg.norm(W_in, axis=1, keepdims=True)
        neighbours = {w: [vocabulary[i] for i in np.argsort(-(unit @ unit[word_id[w]]))[1:5]] for w in WORDS}
        ours_rho = spearmanr([unit[word_id[a]] @ unit[word_id[b]] for a, b, _ in rows], human)[0]
        theirs_rho = spearmanr([theirs.wv.similarity(a, b) for a, b, _ in rows], human)[0]
        results[architecture, softmax] = dict(seconds=np.mean(seconds), gensim_seconds=gensim_seconds,
                                              losses=epoch_losses, neighbours=neighbours, rho=(ours_rho, theirs_rho),
                                              gensim_neighbours={w: [x for x, _ in theirs.wv.most_similar(w, topn=4)]
                                                                 for w in WORDS})

print(f"\n{'model':42s} {'s/epoch yours':>14s} {'s/epoch gensim':>15s} {'WordSim rho yours':>18s} {'gensim':>7s}")
for (architecture, softmax), r in results.items():
    print(f"{architecture + ' + ' + softmax:42s} {r['seconds']:14.2f} {r['gensim_seconds']:15.2f} "
          f"{r['rho'][0]:18.3f} {r['rho'][1]:7.3f}")
for word in WORDS:
    print(f"\n{word}:")
    for (architecture, softmax), r in results.items():
        print(f"  {architecture + ' + ' + softmax:38s} yours: {', '.join(r['neighbours'][word]):42s} "
              f"gensim: {', '.join(r['gensim_neighbours'][word])}")

lengths = np.array([len(c) for c in codes])
fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
for ax, softmax in zip(axes[:2], ("negative sampling", "hierarchical softmax")):
    for architecture in ("skip-gram", "CBOW"):
        ax.plot(np.arange(1, EPOCHS + 1), results[architecture, softmax]["losses"], marker="o", label=architecture)
    ax.set_xlabel("epoch")
    ax.set_title(f"mean loss per example, {softmax}")
    ax.legend()
axes[2].scatter(word_counts, lengths, s=6, alpha=0.5, label="your huffman_codes")
shown = np.geomspace(word_counts.min(), word_counts.max(), 50)
axes[2].plot(shown, np.log2(word_counts.sum() / shown), color="C1", label="log2(total / count), the ideal length")
axes[2].set_xscale("log")
axes[2].set_xlabel("word count (log scale)")
axes[2].set_ylabel("code length (branches below the root)")
axes[2].set_title(f"Huffman code length: mean {np.sum(word_counts * lengths) / word_counts.sum():.2f} per word, "
                  f"log2 V = {np.log2(V):.1f}")
axes[2].legend()
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
A corpus of 58 000 words is small for word2vec (gensim's own tests use it as a smoke test), so
the neighbours are topical rather than synonyms ("afghanistan" sits with "taliban", "president"
with "bush"), and your trainings and gensim's find many of the same neighbours. Only about 60
WordSim-353 pairs have both words in the vocabulary, so the correlations are small and noisy for
every model; a corpus of a billion words brings them to about 0.7.

The Huffman plot shows why the hierarchical softmax is cheap: a word's code is about
$\log_2(\text{total} / \text{count})$ branches long, its ideal length in bits, so frequent words —
most of the training pairs — cost a handful of dot products, and the mean over the corpus is
below $\log_2 V$. CBOW makes one example per position instead of one per (centre, context) pair,
so its epochs are several times faster than skip-gram's.
"""),
]
