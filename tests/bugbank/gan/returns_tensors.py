"""Returns the loss tensors instead of Python floats."""

FAILS = {"gan_step/three_steps", "gan_step/own_players", "gan_step/stale_gradients", "gan_step/learns_gaussian",
         "gan_step/vs_reference", "gan_step/learns_gaussian_vs_reference"}
HINTS = {"gan_step/three_steps": ".item()"}


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))  # noqa: F821
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(fake))  # noqa: F821
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.detach(), g_loss.detach()
