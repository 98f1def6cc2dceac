"""The SVM notebook's text and experiment (lecture notes 2.1-2.4)."""

TITLE = "Multiclass SVM"

INTRO = r"""
# A linear classifier with the multiclass SVM loss

*Lecture notes, chapter 2, sections 1 to 4.*

## The score function (notes 2.1)

$$f(x, W, b) = W x + b$$

An image is a vector of numbers: a 32×32 colour picture is 3072 pixel values, our 8×8 digits
are 64. Each class has one row of weights, one weight per pixel — some pixels matter for a
class (a cat's ears and eyes), most do not — and one bias. The class with the highest score
wins. Here samples are the **rows** of `X` (N×D) and classes the **columns** of `W` (D×C), so all
scores at once are `s = X @ W` (N×C); the bias is folded into `W` by appending a constant 1 to
every sample.

## The loss: how wrong are the scores? (notes 2.3)

$$L_i = \sum_{j \neq y_i} \max\left(0,\; s_j - s_{y_i} + 1\right)$$

For every wrong class $j$, compare its score with the correct class's score $s_{y_i}$. If the
correct class wins clearly, $s_j - s_{y_i} + 1 < 0$ and the max makes it 0: no loss. If a wrong
class scores higher, the difference is positive and counts.

**Why +1?** Without it, a correct class that wins by a hair (3.20 against 3.15) would cost
nothing, although the classifier can barely tell them apart. With the +1 the correct class must
win by a **margin** of at least 1 before the loss is 0.

## The penalty (notes 3.2)

Many $W$ give the same data loss; the regularisation penalty prefers small, smooth weights:

$$L = \frac{1}{N} \sum_i L_i + \lambda \sum_{k,l} W_{kl}^2 .$$

A large $\lambda$ pushes towards simple solutions and flattens the spikes a weight matrix grows
when it memorises a few training pixels (overfitting); a small $\lambda$ lets the model fit the
training data freely, perhaps too freely.

You implement `svm_loss(W, X, y, reg)`, returning this loss and its gradient `dW`, without
loops. Then it trains a digit classifier at the end of the notebook.
"""

SETUP = r"""
Run this cell first: it imports what the function below may use.
"""

SECTIONS = {
    "svm_loss": r"""
## 1. Loss and gradient

Compute all margins at once, `margins = s - s[correct] + 1` (N×C), set the correct class's to 0,
and keep the positive ones. The gradient follows the notes' local view: the score $s_j$ of a
violating class enters $L_i$ with +1, the correct score with −1 once per violating class. So
for sample $i$:

- each violating class $j$: `dW[:, j] += X[i]`;
- the correct class: `dW[:, y[i]] -= (number of violating classes) * X[i]`;

which is one matrix product, `X.T @ coefficients`, with `coefficients` the N×C matrix of those
+1 and −count entries. Average over the N samples, then add the penalty's gradient $2\lambda W$.
A margin of exactly 0 is not a violation (it adds nothing to the loss).
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 2. Experiment: what does a linear classifier learn?

Train on scikit-learn's 8×8 digits (nothing is downloaded) with plain mini-batch SGD,
`W ← W − η·dW`, using **your** `svm_loss`; for comparison, the same SGD with the softmax
cross-entropy, from PyTorch.
"""),
    ("code", r"""
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

digits = load_digits()
order = np.random.default_rng(0).permutation(len(digits.target))
X_all = np.hstack([digits.data[order] / 16.0, np.ones((len(order), 1))])  # pixels in [0, 1], then the bias
y_all = digits.target[order]
X_train, y_train, X_test, y_test = X_all[500:], y_all[500:], X_all[:500], y_all[:500]


def softmax_loss_torch(W, X, y, reg):
    W_t = torch.tensor(W, requires_grad=True)
    loss = F.cross_entropy(torch.from_numpy(X) @ W_t, torch.from_numpy(y)) + reg * (W_t ** 2).sum()
    loss.backward()
    return loss.item(), W_t.grad.numpy()


def train(loss_fn, steps=400, batch=100, learning_rate=0.1, reg=1e-3, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.normal(scale=1e-3, size=(X_train.shape[1], 10))
    history = []
    for _ in range(steps):
        rows = rng.choice(len(y_train), size=batch, replace=False)
        loss, dW = loss_fn(W, X_train[rows], y_train[rows], reg)
        history.append(loss)
        W = W - learning_rate * dW
    return W, history


W_svm, svm_history = train(svm_loss)
W_softmax, softmax_history = train(softmax_loss_torch, learning_rate=0.5)
for name, W in (("SVM", W_svm), ("softmax", W_softmax)):
    print(f"{name:8s} test accuracy {np.mean(np.argmax(X_test @ W, axis=1) == y_test):.3f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(svm_history, label="SVM (your svm_loss)", alpha=0.8)
ax.plot(softmax_history, label="softmax (PyTorch)", alpha=0.8)
ax.set_xlabel("SGD step")
ax.set_ylabel("training loss on the mini-batch")
ax.set_yscale("log")
ax.set_title("Loss curves")
ax.legend()
plt.show()
"""),
    ("markdown", r"""
The SVM loss reaches 0 for samples that are classified with a margin and stops caring about
them; the cross-entropy keeps pushing every probability towards 1. Each column of `W` is a
**template** of its class: the score is the dot product of the image with it, so bright weights
are pixels that speak for the class and dark ones pixels that speak against it.
"""),
    ("code", r"""
fig, axes = plt.subplots(2, 10, figsize=(11, 2.8))
for row, (name, W) in enumerate((("SVM", W_svm), ("softmax", W_softmax))):
    for digit in range(10):
        template = W[:64, digit].reshape(8, 8)
        axes[row, digit].imshow(template, cmap="RdBu_r", vmin=-abs(template).max(), vmax=abs(template).max())
        axes[row, digit].set_xticks([])
        axes[row, digit].set_yticks([])
        axes[row, digit].set_title(str(digit), fontsize=9)
    axes[row, 0].set_ylabel(name)
fig.suptitle("Learned templates: red pixels raise the class's score, blue ones lower it")
plt.tight_layout()
plt.show()
"""),
]
