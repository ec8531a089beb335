"""DDPM never clips the predicted x0 (diffusers' clip_sample defaults to True)."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)

_ddpm_step_orig = ddpm_step


def ddpm_step(model_output, timestep, sample, alphas_cumprod, noise=None, prev_timestep=None,
              variance_type="fixed_small", clip_sample=True, clip_sample_range=1.0):
    return _ddpm_step_orig(model_output, timestep, sample, alphas_cumprod, noise, prev_timestep,
                           variance_type, False, clip_sample_range)
