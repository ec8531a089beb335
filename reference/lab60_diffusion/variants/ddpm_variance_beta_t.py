"""DDPM's fixed_small variance taken as beta_t instead of the posterior variance (1 - abar') / (1 - abar) * beta_t."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)

_ddpm_step_orig = ddpm_step


def ddpm_step(model_output, timestep, sample, alphas_cumprod, noise=None, prev_timestep=None,
              variance_type="fixed_small", clip_sample=True, clip_sample_range=1.0):
    if variance_type == "fixed_small":
        variance_type = "fixed_large"
    return _ddpm_step_orig(model_output, timestep, sample, alphas_cumprod, noise, prev_timestep,
                           variance_type, clip_sample, clip_sample_range)
