"""F.binary_cross_entropy on torch.sigmoid(logits): right for ordinary logits, clamped at 100
once the sigmoid rounds to 0 or 1."""

FAILS = {"discriminator_loss/values", "generator_loss/values"}
HINTS = {"discriminator_loss/values": "binary_cross_entropy_with_logits", "generator_loss/values": "clamped at -100"}

import torch
import torch.nn.functional as F


def discriminator_loss(logits_real, logits_fake):
    return (F.binary_cross_entropy(torch.sigmoid(logits_real), torch.ones_like(logits_real))
            + F.binary_cross_entropy(torch.sigmoid(logits_fake), torch.zeros_like(logits_fake)))


def generator_loss(logits_fake):
    return F.binary_cross_entropy(torch.sigmoid(logits_fake), torch.ones_like(logits_fake))
