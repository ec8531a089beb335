"""DDPM adds noise on the last step too (t = 0) whenever noise is given."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)

_ddpm_step_orig = ddpm_step


def ddpm_step(model_output, timestep, sample, alphas_cumprod, noise=None, prev_timestep=None,
              variance_type="fixed_small", clip_sample=True, clip_sample_range=1.0):
    prev, x0 = _ddpm_step_orig(model_output, timestep, sample, alphas_cumprod, noise, prev_timestep,
                               variance_type, clip_sample, clip_sample_range)
    if timestep == 0 and noise is not None:
        prev = prev + 0.01 ** 0.5 * noise
    return prev, x0
