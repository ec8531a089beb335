"""Right but slow: the DDPM step converts the whole batch to float64 and back."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)

_ddpm_step_orig = ddpm_step


def ddpm_step(model_output, timestep, sample, alphas_cumprod, noise=None, prev_timestep=None,
              variance_type="fixed_small", clip_sample=True, clip_sample_range=1.0):
    dtype = sample.dtype
    prev, x0 = _ddpm_step_orig(model_output.double(), timestep, sample.double(), alphas_cumprod,
                               None if noise is None else noise.double(), prev_timestep,
                               variance_type, clip_sample, clip_sample_range)
    return prev.to(dtype).clone(), x0.to(dtype).clone()
