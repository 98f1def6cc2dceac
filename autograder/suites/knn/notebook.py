"""The kNN notebook's text and experiment (lecture notes 1.4). The code cells with the functions
come from solutions/knn/knn.py; the test cells from the suite. See autograder/course.py."""

TITLE = "k-nearest neighbours"

INTRO = r"""
# k-nearest neighbours

*Lecture notes, chapter 1, section 4.*

To judge something we do not know, look at the known things **closest** to it and assume it
is like them. That is the whole idea of the k-nearest-neighbour classifier (kNN).

The notes draw a green circle among blue squares and red triangles. Which is it?

- With **k = 3** (the solid circle around it) the three nearest points are two triangles and
  one square: the majority says *triangle*.
- With **k = 5** (the dashed circle) the five nearest are two triangles and three squares:
  now the majority says *square*.

The answer depends on k, and choosing k is part of the job.

## The algorithm (notes 4.1)

For every point to classify:

1. compute its distance to every training point;
2. take the k training points with the smallest distances;
3. predict the label that occurs most often among those k (ties: the smallest label).

## What it costs (notes 4.2)

Training is free: kNN only stores the training set, $O(1)$. Prediction pays for it: every test
point needs a distance to all $M$ training points, $O(M \cdot D)$ per test point. This is the
wrong way round for practice, where we train once and predict often; the networks of the next
chapters do the opposite.

## A worked example (notes 4.3)

The notes compare two small images by subtracting them pixel by pixel and adding up what is
left: one number per pair of images, and for many test and training images, a whole **matrix**
of distances, one row per test image and one column per training image. The notes' example
adds absolute differences (the L1 distance); we use the Euclidean (L2) distance

$$d(a, b) = \lVert a - b \rVert_2 = \sqrt{\textstyle\sum_d (a_d - b_d)^2},$$

because it turns the whole matrix into one matrix product (below).

## Its weakness (notes 4.4)

On pictures, kNN **cannot focus on the subject**: every pixel counts the same, so two photos
with the same background look close even when they show different things. You will see a
milder version of this at the end, with handwritten digits.

You implement three functions: `compute_distances`, `knn_predict`, `cross_validate_k`. Each
cell below holds one function with its docstring (the contract: shapes, conventions); replace
the `raise NotImplementedError()` line with your code, then run the test cell after it. The
test cell prints every check with its points and, when something is wrong, the case, what was
expected, what you returned and often a hint.
"""

SETUP = r"""
Run this cell first: it imports what the functions below may use. You may add imports here.
"""

SECTIONS = {
    "compute_distances": r"""
## 1. The distance matrix

`dists[i, j]` is the Euclidean distance between test row `X_test[i]` and training row
`X_train[j]`: an (N, M) matrix. Two nested loops would do it, slowly. Expand the square instead:

$$\lVert a - b \rVert^2 = \lVert a \rVert^2 + \lVert b \rVert^2 - 2\, a \cdot b .$$

All the dot products $a \cdot b$ at once are one matrix product, `X_test @ X_train.T`; the two
squared norms are row sums broadcast along the other axis. Rounding can make the result a tiny
bit negative when two rows are (nearly) equal, and `np.sqrt` of a negative number is `nan`:
clip at 0 before the square root.
""",
    "knn_predict": r"""
## 2. The vote

For each test row, find the `k` smallest entries of its row of `dists` (`np.argsort`, or the
faster `np.argpartition`), look up their labels in `y_train`, and count the votes
(`np.bincount` counts every label at once). The most frequent label wins; among equally frequent
ones the smallest, as the contract asks (think about which maximum `argmax` returns). `k` must satisfy $1 \le k \le M$; raise `ValueError`
otherwise (a `k` larger than `M` would silently use all points).
""",
    "cross_validate_k": r"""
## 3. Choosing k by cross-validation

We must not pick `k` by looking at the test set. Instead, split the training data into
`num_folds` consecutive folds (`np.array_split`); for every fold in turn, train on the others
and measure the accuracy on it. Each `k` gets `num_folds` accuracies; their mean estimates how
well that `k` will do on new data, their spread how much to trust the estimate.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 4. Experiment: handwritten digits

scikit-learn ships 1797 handwritten digits as 8×8 images (pixel values 0 to 16), so nothing is
downloaded. We keep 500 of them for the final test and cross-validate `k` on the rest.
"""),
    ("code", r"""
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

digits = load_digits()
order = np.random.default_rng(0).permutation(len(digits.target))
X_all, y_all = digits.data[order], digits.target[order]
X_train, y_train, X_test, y_test = X_all[500:], y_all[500:], X_all[:500], y_all[:500]
print(f"{len(y_train)} training and {len(y_test)} test images of {X_train.shape[1]} pixels")

k_choices = [1, 2, 3, 5, 8, 12, 20, 35, 60]
accuracies = cross_validate_k(X_train, y_train, k_choices, num_folds=5)
means = np.array([np.mean(accuracies[k]) for k in k_choices])
spreads = np.array([np.std(accuracies[k]) for k in k_choices])

fig, ax = plt.subplots(figsize=(7, 4))
for choice in k_choices:
    ax.scatter([choice] * len(accuracies[choice]), accuracies[choice], color="lightgray", s=15)
ax.errorbar(k_choices, means, yerr=spreads, marker="o", capsize=4, label="mean over 5 folds ± std")
best_k = k_choices[int(np.argmax(means))]
ax.axvline(best_k, color="tab:green", linestyle="--", label=f"best k = {best_k}")
ax.set_xscale("log")
ax.set_xticks(k_choices, [str(k) for k in k_choices])
ax.set_xlabel("k (number of neighbours that vote)")
ax.set_ylabel("cross-validation accuracy")
ax.set_title("Choosing k on the digits")
ax.legend()
plt.show()

test_accuracy = np.mean(knn_predict(X_train, y_train, X_test, k=best_k) == y_test)
print(f"best k = {best_k}: cross-validation {means.max():.3f}, test accuracy {test_accuracy:.3f}")
"""),
    ("markdown", r"""
Small `k` follows every stray point; large `k` lets far-away classes outvote the near ones. The
curve shows the trade-off. Now look at what "nearest" means to kNN: each row shows a test digit
and the five training digits closest to it, with their labels (red when the label is wrong) —
first three easy cases, then the three test digits with the most wrong neighbours.
"""),
    ("code", r"""
nearest = np.argsort(compute_distances(X_train, X_test), axis=1)[:, :5]
wrong = (y_train[nearest] != y_test[:, None]).sum(axis=1)  # wrong labels among the 5 nearest
easy = [int(np.flatnonzero((y_test == digit) & (wrong == 0))[0]) for digit in (0, 4, 7)]
hard = [int(i) for i in np.argsort(-wrong, kind="stable")[:3]]

fig, axes = plt.subplots(6, 6, figsize=(7, 7.8))
for row, i in enumerate(easy + hard):
    axes[row, 0].imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    axes[row, 0].set_title(f"test: {y_test[i]}", fontsize=9, fontweight="bold")
    for col, j in enumerate(nearest[i], start=1):
        axes[row, col].imshow(X_train[j].reshape(8, 8), cmap="gray_r")
        bad = y_train[j] != y_test[i]
        axes[row, col].set_title(str(y_train[j]), fontsize=9, color="red" if bad else "black")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Test digits (left) and their 5 nearest training digits:\nthree easy ones, and the three with most wrong neighbours (red)")
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
The neighbours are close pixel by pixel, which is not always close in meaning: a 9 drawn with
one heavy vertical stroke shares most of its ink with a thick 1, and kNN cannot tell which
pixels matter. That is the weakness of notes 4.4, and the reason the next chapters learn
features instead of comparing raw pixels.
"""),
]
