"""The GAN notebook's text and experiment (lecture notes 5)."""

TITLE = "Generative adversarial networks: the losses and one training step"

INTRO = r"""
# Generative adversarial networks

*Lecture notes, chapter 5: a generator makes samples, a discriminator judges real from fake,
and each improves against the other.*

## Two players

The **generator** $G$ turns noise $z$ (drawn from a fixed distribution, here a standard normal)
into a sample $G(z)$. The **discriminator** $D$ looks at a sample and outputs a logit: high for
"real", low for "fake"; $\sigma(D(x))$ is its probability that $x$ is real. They are trained in
turns:

- $D$ learns to tell them apart: real samples should get label 1, generated ones label 0;
- $G$ learns to fool $D$: its samples should get label 1.

When neither can improve, $G$'s samples are distributed like the real data and $D$ can only
guess.

## The losses, on logits

Both players use the binary cross-entropy, written on logits $z$ so that it never takes the log
of a probability that has rounded to 0:

$$\ell(z, t) = -\big(t \log \sigma(z) + (1 - t) \log(1 - \sigma(z))\big), \qquad
\log \sigma(z) = -\log(1 + e^{-z}),\quad \log(1 - \sigma(z)) = -\log(1 + e^{z}),$$

with gradient $\partial \ell / \partial z = \sigma(z) - t$. The discriminator's loss is
$\text{mean}_i\, \ell(D(x_i), 1) + \text{mean}_j\, \ell(D(G(z_j)), 0)$.

For the generator, the original minimax game says: maximise $D$'s loss, that is minimise
$\text{mean}\,\log(1 - \sigma(D(G(z))))$. Early in training $D$ rejects the fakes confidently,
$\sigma(D(G(z))) \approx 0$, and this loss is flat: $G$ gets almost no gradient exactly when it
needs one most. The **non-saturating** loss $\text{mean}\, \ell(D(G(z)), 1) = -\text{mean}\log
\sigma(D(G(z)))$ has the same fixed point and a strong gradient there. We use it.

## One training step

1. the generator makes a batch: `fake = G(z)`;
2. the discriminator's step: its loss on `D(real)` and `D(fake.detach())` (detached: G is not
   trained here), then `opt_D`'s gradients zeroed, backward, `opt_D.step()`;
3. the generator's step, against the **updated** D: `generator_loss(D(fake))`, then `opt_G`'s
   gradients zeroed, backward, `opt_G.step()`;
4. both losses returned as Python floats (`.item()`), each from before its player's step.

Each optimiser holds only its own player's parameters. The traps: gradients of one player
leaking into the other's update (`fake` not detached, `D` stepped after the generator's
backward), gradients never zeroed (PyTorch adds every backward into `.grad`), labels swapped,
the saturating loss, and a binary cross-entropy taken after a sigmoid.

Implement the functions in order; each test cell checks its function.
"""

SETUP = r"""
Run this cell first: it imports what the functions below may use.
"""

SECTIONS = {
    "bce_with_logits": r"""
## 1. Binary cross-entropy on logits, in NumPy

The mean of $\ell(z_i, t_i)$ over the N samples, and its gradient $(\sigma(z) - t)/N$. Use
`np.logaddexp(0, x)` for $\log(1 + e^x)$, and a sigmoid that only exponentiates $-|z|$: the check
feeds logits of $\pm 10^4$, and a warning or an infinity costs the point.
""",
    "discriminator_loss": r"""
## 2. The discriminator's loss, in PyTorch

From here on, PyTorch: `F.binary_cross_entropy_with_logits` does the stable computation for you.
The logits may have shape (N,) or (N, 1) (what `nn.Linear(h, 1)` gives): build the targets with
`torch.ones_like` / `torch.zeros_like`. Return the loss tensor (not `.item()`): the caller calls
`backward()` on it.
""",
    "generator_loss": r"""
## 3. The generator's loss

The non-saturating one: the fakes' logits against label 1.
""",
    "gan_step": r"""
## 4. One step of each player

Exactly the order above. The check builds two small float64 networks from one seed (an Adam
optimiser for G, SGD with momentum for D), calls your `gan_step` three times in a row with fresh
noise and compares both losses and every parameter after each call with the contract's step;
another case leaves old numbers in every `.grad` first. Whether you zero gradients through the
optimiser or the module, detach `fake` or generate it again, does not matter as long as the
result is the contract's.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 5. Experiment: a generator learns a distribution

The real data are numbers drawn from $N(3, 0.5^2)$. The generator maps 2-dimensional noise
through a small network (16 hidden units) to one number; the discriminator is a network of the
same size. We train both with your `gan_step` for 1500 steps and look at the generated
distribution against the real one as training proceeds, and at both players' losses.
"""),
    ("code", r"""
import matplotlib.pyplot as plt
from torch import nn

torch.manual_seed(0)
generator = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1)).double()
discriminator = nn.Sequential(nn.Linear(1, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1)).double()
optimiser_G = torch.optim.Adam(generator.parameters(), lr=0.01, betas=(0.5, 0.999))
optimiser_D = torch.optim.SGD(discriminator.parameters(), lr=0.05, momentum=0.5)
generator_rng = torch.Generator().manual_seed(1)

history, snapshots = {"D": [], "G": []}, {}
noise_for_pictures = torch.randn(5000, 2, generator=generator_rng, dtype=torch.float64)
for step in range(1501):
    if step in (0, 100, 300, 1500):
        with torch.no_grad():
            snapshots[step] = generator(noise_for_pictures).numpy().ravel()
    if step == 1500:
        break
    real_batch = 3.0 + 0.5 * torch.randn(64, 1, generator=generator_rng, dtype=torch.float64)
    noise = torch.randn(64, 2, generator=generator_rng, dtype=torch.float64)
    losses = gan_step(generator, discriminator, optimiser_G, optimiser_D, real_batch, noise)
    history["D"].append(losses[0])
    history["G"].append(losses[1])

final = snapshots[1500]
print(f"generated samples after 1500 steps: mean {final.mean():.3f}, standard deviation {final.std():.3f} "
      f"(real: 3, 0.5)")

fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
grid = np.linspace(0, 6, 300)
axes[0].plot(grid, np.exp(-0.5 * ((grid - 3) / 0.5) ** 2) / (0.5 * np.sqrt(2 * np.pi)), "k", lw=2, label="real N(3, 0.5^2)")
for step, samples in snapshots.items():
    axes[0].hist(samples, bins=80, range=(-1, 6), density=True, histtype="step", lw=1.5, label=f"G after {step} steps")
axes[0].set_xlim(-1, 6)
axes[0].legend()
axes[0].set_title("generated distribution as training proceeds")
window = 25
for name, values in history.items():
    smooth = np.convolve(values, np.ones(window) / window, mode="valid")
    axes[1].plot(smooth, label=f"{name}'s loss (moving mean of {window})")
axes[1].axhline(2 * np.log(2), color="grey", ls="--", label="D guessing: 2 log 2")
axes[1].axhline(np.log(2), color="grey", ls=":", label="G at equilibrium: log 2")
axes[1].set_xlabel("step")
axes[1].legend()
axes[1].set_title("both players' losses")
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
The generator's samples start as a narrow bump near 0 and reach the real distribution within a
few hundred steps. The losses then settle near the equilibrium values: a discriminator that can
only guess has $\sigma(D) = 1/2$ everywhere, so its loss is $2\log 2 \approx 1.386$ and the
generator's $\log 2 \approx 0.693$. Yet the two distributions still differ visibly: the generated
one is narrower and lopsided (a layer of LeakyReLUs maps the noise piecewise linearly, here with
a cut on the left). The losses only say that *this* discriminator can no longer tell them apart;
a small $D$ sees little, and GAN losses are a poor measure of sample quality. The narrowing is a
mild form of the *mode collapse* that plagues larger GANs.
"""),
]
