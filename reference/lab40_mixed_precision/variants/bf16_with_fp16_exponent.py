"""bfloat16's layout given float16's 5 exponent bits: its max becomes ~131008 instead of ~3.4e38."""

FORMATS = {**FORMATS, "bfloat16": (5, 7, True)}
