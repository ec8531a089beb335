"""Right, but matches target names with peft's own helper (the static check no_peft takes 50 points off)."""

import types as _types

from peft.tuners.tuners_utils import check_target_module_exists as _peft_check


def matches_target(name, target_modules):
    return bool(_peft_check(_types.SimpleNamespace(target_modules=target_modules), name))
