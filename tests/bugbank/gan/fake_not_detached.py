"""fake not detached for D's loss, and all gradients zeroed once at the start: G's step adds
the discriminator loss's gradient to its own."""

FAILS = {"gan_step/three_steps", "gan_step/stale_gradients", "gan_step/vs_reference", "gan_step/own_players",
         "gan_step/learns_gaussian", "gan_step/learns_gaussian_vs_reference"}
HINTS = {"gan_step/three_steps": "with fake not detached"}


def gan_step(G, D, opt_G, opt_D, real, z):
    opt_D.zero_grad()
    opt_G.zero_grad()
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake))  # noqa: F821
    d_loss.backward(retain_graph=True)
    opt_D.step()
    g_loss = generator_loss(D(fake))  # noqa: F821
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
