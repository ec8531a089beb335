"""Kaiming's mode reversed: fan_in uses fan_out and vice versa."""

import math

import torch


def _kaiming_std(shape: Sequence[int], a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_fan_out(shape)
    fan = fan_out if mode == "fan_in" else fan_in
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)
