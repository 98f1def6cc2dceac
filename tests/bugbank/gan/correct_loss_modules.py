"""Correct: nn.BCEWithLogitsLoss modules with flattened logits, Module.zero_grad() instead of
the optimisers', and the fake batch generated again for the generator's step."""

FAILS = set()

import numpy as np
import torch
from torch import nn


def bce_with_logits(logits, targets):
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets, dtype=np.float64)
    softplus_neg = np.where(z > 0, np.log1p(np.exp(-np.abs(z))), -z + np.log1p(np.exp(-np.abs(z))))  # log(1+e^-z)
    loss = np.mean(t * softplus_neg + (1 - t) * (z + softplus_neg))
    sig = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
    return float(loss), (sig - t) / z.size


_bce = nn.BCEWithLogitsLoss()


def discriminator_loss(logits_real, logits_fake):
    real, fake = logits_real.reshape(-1), logits_fake.reshape(-1)
    return _bce(real, torch.ones_like(real)) + _bce(fake, torch.zeros_like(fake))


def generator_loss(logits_fake):
    fake = logits_fake.reshape(-1)
    return _bce(fake, torch.ones_like(fake))


def gan_step(G, D, opt_G, opt_D, real, z):
    D.zero_grad()
    with torch.no_grad():
        fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake))
    d_loss.backward()
    opt_D.step()
    G.zero_grad()
    g_loss = generator_loss(D(G(z)))
    g_loss.backward()
    opt_G.step()
    return float(d_loss), float(g_loss)
