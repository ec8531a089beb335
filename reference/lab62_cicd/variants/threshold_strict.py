"""A value exactly at the threshold or at the regression limit fails (strict comparison)."""

_AT_LEAST_AS_GOOD = {"higher": operator.gt, "lower": operator.lt}
