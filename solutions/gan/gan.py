"""GAN: the adversarial training step (lecture notes 5).

A generator G turns noise z into samples; a discriminator D gives each sample a logit, high for
"real" and low for "fake". The two are trained in turns: D to tell real samples from G's, G to
make D call its samples real. ``bce_with_logits`` is the loss both use, written in NumPy with
its gradient; ``discriminator_loss``, ``generator_loss`` and ``gan_step`` are written in PyTorch.
"""

import numpy as np
import torch
import torch.nn.functional as F


def bce_with_logits(logits, targets):
    """Binary cross-entropy on logits, averaged over N samples, and its gradient.

    Args:
        logits: (N,) real numbers z (sigmoid(z) is the probability of "real").
        targets: (N,) numbers t in [0, 1].

    Returns:
        loss: float, ``mean(-(t * log sigmoid(z) + (1 - t) * log(1 - sigmoid(z))))``.
        dlogits: (N,) its gradient with respect to logits.

    Stable for |z| up to 1e4 (no overflow, no log of 0, no warning): with
    ``log sigmoid(z) = -logaddexp(0, -z)`` and ``log(1 - sigmoid(z)) = -logaddexp(0, z)``.
    """
    ### BEGIN SOLUTION
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets, dtype=np.float64)
    N = z.shape[0]
    loss = np.mean(t * np.logaddexp(0.0, -z) + (1.0 - t) * np.logaddexp(0.0, z))
    e = np.exp(-np.abs(z))
    probability = np.where(z >= 0, 1.0, e) / (1.0 + e)  # sigmoid(z), exp only of -|z|
    return float(loss), (probability - t) / N
    ### END SOLUTION


def discriminator_loss(logits_real, logits_fake):
    """The discriminator's loss: real samples should get label 1, fake ones label 0.

    Args:
        logits_real: D's logits on real samples, a tensor of shape (N,) or (N, 1).
        logits_fake: D's logits on generated samples, shape (M,) or (M, 1).

    Returns:
        A differentiable scalar tensor: mean BCE of logits_real against 1 plus mean BCE of
        logits_fake against 0.
    """
    ### BEGIN SOLUTION
    real_term = F.binary_cross_entropy_with_logits(logits_real, torch.ones_like(logits_real))
    fake_term = F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
    return real_term + fake_term
    ### END SOLUTION


def generator_loss(logits_fake):
    """The generator's non-saturating loss: mean BCE of D's logits on fakes against 1.

    (The saturating form, -mean BCE against 0 = mean log(1 - D(G(z))), has almost no gradient
    when D rejects the fakes confidently, which is exactly when G most needs one.)
    """
    ### BEGIN SOLUTION
    return F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))
    ### END SOLUTION


def gan_step(G, D, opt_G, opt_D, real, z):
    """One training step of each player.

    Args:
        G, D: the generator and the discriminator (torch.nn.Module).
        opt_G, opt_D: their optimisers (opt_G holds G's parameters only, opt_D D's).
        real: a batch of real samples; z: a batch of noise for G.

    Returns:
        (d_loss, g_loss): Python floats, each computed before its player's step.

    First the discriminator: fake = G(z); its loss on D(real) and D(fake.detach()); opt_D's
    gradients zeroed, backward, opt_D.step(). Then the generator, against the updated D:
    generator_loss(D(fake)); opt_G's gradients zeroed, backward, opt_G.step(). Only opt_D moves
    D and only opt_G moves G; no gradient of one call reaches the next.
    """
    ### BEGIN SOLUTION
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(fake))
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
    ### END SOLUTION
