"""Float64 inputs are summed in float32."""


def _accumulator(dtype: torch.dtype) -> torch.dtype:
    return torch.float32
