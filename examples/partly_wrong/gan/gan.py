"""A partly wrong GAN submission (for the demo): the NumPy loss sums instead of averaging, and
the training step never zeroes the generator's gradients."""

import numpy as np
import torch
import torch.nn.functional as F


def bce_with_logits(logits, targets):
    loss = np.sum(targets * np.logaddexp(0, -logits) + (1 - targets) * np.logaddexp(0, logits))
    probability = np.exp(-np.logaddexp(0, -logits))
    return float(loss), probability - targets


def discriminator_loss(logits_real, logits_fake):
    return (F.binary_cross_entropy_with_logits(logits_real, torch.ones_like(logits_real))
            + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake)))


def generator_loss(logits_fake):
    return F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    opt_D.zero_grad()
    d_loss = discriminator_loss(D(real), D(fake.detach()))
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(fake))
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
