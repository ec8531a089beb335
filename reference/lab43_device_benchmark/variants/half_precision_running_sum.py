"""The partial products of float16/bfloat16 inputs are summed in the input dtype, not float32."""


def _accumulator(dtype: torch.dtype) -> torch.dtype:
    return dtype
