"""Correct: gradients zeroed in place (set_to_none=False), fake not detached but G's gradients
zeroed after the discriminator's backward, before the generator's."""

FAILS = set()

import numpy as np
import torch
import torch.nn.functional as F


def bce_with_logits(logits, targets):
    z = np.asarray(logits, dtype=np.float64)
    loss = np.mean(np.maximum(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z))))
    return float(loss), (0.5 * (1 + np.tanh(0.5 * z)) - targets) / len(z)


def discriminator_loss(logits_real, logits_fake):
    both = torch.cat([logits_real.reshape(-1), logits_fake.reshape(-1)])
    labels = torch.cat([torch.ones(logits_real.numel()), torch.zeros(logits_fake.numel())]).to(both.dtype)
    per_sample = F.binary_cross_entropy_with_logits(both, labels, reduction="none")
    return per_sample[:logits_real.numel()].mean() + per_sample[logits_real.numel():].mean()


def generator_loss(logits_fake):
    return F.softplus(-logits_fake).mean()


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    opt_D.zero_grad(set_to_none=False)
    d_loss = discriminator_loss(D(real), D(fake))
    d_loss.backward(retain_graph=True)
    opt_D.step()
    opt_G.zero_grad(set_to_none=False)
    g_loss = generator_loss(D(fake))
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
