"""Classifier-free guidance written as uncond + w * cond."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def classifier_free_guidance(eps_uncond, eps_cond, guidance_scale):
    if eps_uncond.shape != eps_cond.shape:
        raise ValueError("eps_uncond and eps_cond must have the same shape")
    return eps_uncond + guidance_scale * eps_cond
