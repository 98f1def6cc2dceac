"""Reports the discriminator's loss recomputed after its step."""

FAILS = {"gan_step/three_steps", "gan_step/stale_gradients", "gan_step/vs_reference"}

import torch


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))  # noqa: F821
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    with torch.no_grad():
        reported = discriminator_loss(D(real), D(fake)).item()  # noqa: F821
    g_loss = generator_loss(D(fake))  # noqa: F821
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return reported, g_loss.item()
