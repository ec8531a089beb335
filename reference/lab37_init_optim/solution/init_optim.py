"""Lab 37: initialisation schemes and optimisers written from scratch.

Two halves, each checked against torch:

* **initialisation**: Xavier (Glorot) and Kaiming (He) initialisation,
  uniform and normal, with the gains of ``torch.nn.init.calculate_gain``,
  and GPT-2's scheme (``N(0, 0.02)`` everywhere, the residual output
  projections ``c_proj`` scaled down by ``sqrt(2 * n_layer)``);
* **optimisers**: SGD (momentum, dampening, Nesterov, coupled L2 weight
  decay) and AdamW (bias-corrected moments, decoupled weight decay, AMSGrad)
  as pure functions of ``(params, grads, state)``, the classes ``SGD`` and
  ``AdamW`` that keep the state between steps and accept parameter groups,
  and :func:`decay_groups`, the usual split of a model's parameters into a
  group with weight decay (matrices) and one without (biases, norms).

Conventions
-----------
* A *shape* is a tuple or list of non-negative ints.
* The optimiser functions never modify their arguments: they return new
  tensors and a new state dict.
* Random numbers come from a ``torch.Generator`` seeded with the ``seed``
  argument: the same seed gives the same tensor, and the global RNG is not
  touched.

What you may use: any torch tensor operation (``torch.rand``, ``torch.randn``,
``Tensor.uniform_``, ``Tensor.normal_``, ``torch.maximum``, ``sqrt``, ...).
You may NOT use ``torch.nn.init`` or ``torch.optim`` in this file: a static
check looks for them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import torch

# nonlinearities whose gain is 1
_UNIT_GAIN = ("linear", "conv1d", "conv2d", "conv3d",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid")


# ---- initialisation -------------------------------------------------------------------------------


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    ========================================  ==============================
    nonlinearity                              gain
    ========================================  ==============================
    ``"linear"``, ``"conv1d"``, ``"conv2d"``,  1
    ``"conv3d"``,
    ``"conv_transpose1d"`` (2d, 3d),
    ``"sigmoid"``
    ``"tanh"``                                5 / 3
    ``"relu"``                                sqrt(2)
    ``"leaky_relu"``                          sqrt(2 / (1 + a ** 2)), with
                                              ``a = param`` (the negative
                                              slope; ``0.01`` when ``param``
                                              is None)
    ``"selu"``                                3 / 4
    ========================================  ==============================

    ``param`` is read only for ``"leaky_relu"`` (ignored otherwise).

    Returns:
        The gain as a Python float.

    Raises:
        ValueError: for any other ``nonlinearity``, or, for
            ``"leaky_relu"``, a ``param`` that is not None and not an int or
            float (a bool is refused).
    """
    if nonlinearity in _UNIT_GAIN:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")


def fan_in_fan_out(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of this shape, as torch defines them.

    A weight is ``(out_features, in_features, *kernel)``: with ``receptive``
    the product of ``shape[2:]`` (1 for a matrix), ``fan_in = shape[1] *
    receptive`` and ``fan_out = shape[0] * receptive``. So a ``(64, 32)``
    linear weight has ``(32, 64)`` and a ``(16, 8, 3, 3)`` convolution
    ``(72, 144)``.

    Returns:
        Two Python ints.

    Raises:
        ValueError: if ``shape`` has fewer than 2 dimensions.
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need at least 2 dimensions, got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _uniform(shape: Sequence[int], bound: float, seed: int, dtype: torch.dtype) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.empty(tuple(shape), dtype=dtype).uniform_(-bound, bound, generator=g)


def _normal(shape: Sequence[int], std: float, seed: int, dtype: torch.dtype) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.empty(tuple(shape), dtype=dtype).normal_(0.0, std, generator=g)


def xavier_uniform(
    shape: Sequence[int], gain: float = 1.0, *, seed: int = 0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """A new tensor drawn from ``U(-bound, bound)``, ``bound = gain * sqrt(6 / (fan_in + fan_out))``.

    Xavier/Glorot initialisation (``torch.nn.init.xavier_uniform_``): the
    standard deviation is ``gain * sqrt(2 / (fan_in + fan_out))``, a
    compromise between keeping the forward activations' variance
    (``fan_in``) and the backward gradients' variance (``fan_out``).
    ``fan_in`` and ``fan_out`` are :func:`fan_in_fan_out`'s.

    Args:
        shape: at least 2 dimensions.
        gain: the scale factor (e.g. ``calculate_gain("tanh")``).
        seed: seeds a new ``torch.Generator``; the same seed gives the same
            tensor.
        dtype: a floating dtype (float32 or float64).

    Returns:
        A tensor of ``shape`` and ``dtype``, every entry in ``[-bound, bound]``.

    Raises:
        ValueError: if ``shape`` has fewer than 2 dimensions.
    """
    fan_in, fan_out = fan_in_fan_out(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _uniform(shape, bound, seed, dtype)


def xavier_normal(
    shape: Sequence[int], gain: float = 1.0, *, seed: int = 0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """A new tensor drawn from ``N(0, std**2)``, ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    As ``torch.nn.init.xavier_normal_``; arguments, errors and seeding as in
    :func:`xavier_uniform`.
    """
    fan_in, fan_out = fan_in_fan_out(shape)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _normal(shape, std, seed, dtype)


def _kaiming_std(shape: Sequence[int], a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_fan_out(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform(
    shape: Sequence[int],
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    seed: int = 0,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """A new tensor drawn from ``U(-bound, bound)``, ``bound = sqrt(3) * gain / sqrt(fan)``.

    Kaiming/He initialisation (``torch.nn.init.kaiming_uniform_``): ``gain =
    calculate_gain(nonlinearity, a)`` (``a`` is the negative slope of a
    leaky ReLU; with the defaults ``a = 0`` and ``"leaky_relu"`` the gain is
    ``sqrt(2)``, ReLU's) and ``fan`` is ``fan_in`` (``mode="fan_in"``: keeps
    the variance of the forward activations) or ``fan_out``
    (``mode="fan_out"``: keeps the variance of the backward gradients). The
    standard deviation is ``gain / sqrt(fan)``. torch's ``nn.Linear``
    default, ``a = sqrt(5)``, gives ``bound = 1 / sqrt(fan_in)``.

    Args:
        shape: at least 2 dimensions.
        a: the negative slope, used only by ``"leaky_relu"``.
        mode: ``"fan_in"`` or ``"fan_out"``.
        nonlinearity: a name :func:`calculate_gain` knows.
        seed, dtype: as in :func:`xavier_uniform`.

    Raises:
        ValueError: for a shape of fewer than 2 dimensions, another
            ``mode``, or a nonlinearity :func:`calculate_gain` refuses.
    """
    std = _kaiming_std(shape, a, mode, nonlinearity)
    return _uniform(shape, math.sqrt(3.0) * std, seed, dtype)


def kaiming_normal(
    shape: Sequence[int],
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    seed: int = 0,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """A new tensor drawn from ``N(0, std**2)``, ``std = gain / sqrt(fan)``.

    As ``torch.nn.init.kaiming_normal_``; arguments, errors and seeding as
    in :func:`kaiming_uniform`.
    """
    std = _kaiming_std(shape, a, mode, nonlinearity)
    return _normal(shape, std, seed, dtype)


def gpt2_init(
    shapes: Mapping[str, Sequence[int]], n_layer: int, *, std: float = 0.02, seed: int = 0
) -> dict[str, torch.Tensor]:
    """GPT-2's initialisation of a model's parameters, given their names and shapes.

    The rule of GPT-2 (Radford et al. 2019), as Hugging Face's
    ``GPT2PreTrainedModel._init_weights`` and nanoGPT apply it, decided for
    each parameter from its name and number of dimensions:

    1. a name ending in ``"c_proj.weight"`` (the output projections of the
       attention and of the MLP, which add into the residual stream):
       ``N(0, (std / sqrt(2 * n_layer))**2)``; each block adds two such
       outputs to the residual stream, so ``2 * n_layer`` of them add up;
    2. any other parameter with 2 or more dimensions (linear/``Conv1D``
       weights, token and position embeddings): ``N(0, std**2)``;
    3. a 1-D parameter whose name ends in ``"bias"``: zeros;
    4. any other 1-D parameter (LayerNorm/RMSNorm weights): ones.

    Args:
        shapes: parameter name -> shape (e.g. ``{n: p.shape for n, p in
            model.named_parameters()}``); every shape has at least 1
            dimension.
        n_layer: the number of transformer blocks, ``>= 1``.
        std: the base standard deviation (GPT-2's ``initializer_range``).
        seed: seeds one ``torch.Generator`` used for the whole dict.

    Returns:
        A new dict with the same keys in the same order, float32 tensors of
        the given shapes.

    Raises:
        ValueError: if ``n_layer < 1`` or a shape has no dimensions.
    """
    if n_layer < 1:
        raise ValueError(f"n_layer must be >= 1, got {n_layer}")
    g = torch.Generator().manual_seed(seed)
    residual_std = std / math.sqrt(2 * n_layer)
    out = {}
    for name, shape in shapes.items():
        shape = tuple(int(s) for s in shape)
        if len(shape) == 0:
            raise ValueError(f"parameter {name!r} has no dimensions")
        if name.endswith("c_proj.weight"):
            out[name] = torch.empty(shape).normal_(0.0, residual_std, generator=g)
        elif len(shape) >= 2:
            out[name] = torch.empty(shape).normal_(0.0, std, generator=g)
        elif name.endswith("bias"):
            out[name] = torch.zeros(shape)
        else:
            out[name] = torch.ones(shape)
    return out


def decay_groups(shapes: Mapping[str, Sequence[int]], weight_decay: float) -> list[dict]:
    """Split parameter names into a weight-decay group and a no-decay group.

    nanoGPT's rule: a parameter **with 2 or more dimensions** (linear and
    ``Conv1D`` weights, embeddings) is decayed; every parameter with fewer
    (biases, LayerNorm/RMSNorm weights and biases, any 0-d scalar) is not.
    Weight decay pulls weights towards 0; for a norm's gain (whose natural
    value is 1) or a bias that only shifts, that pull is harmful.

    Args:
        shapes: parameter name -> shape, in the model's order.
        weight_decay: ``>= 0``, the decay of the first group.

    Returns:
        Two dicts, always both and in this order:
        ``[{"params": [names with dim >= 2], "weight_decay": weight_decay},
        {"params": [names with dim < 2], "weight_decay": 0.0}]``; each
        ``"params"`` list keeps the order of ``shapes`` (and may be empty);
        ``weight_decay`` values are Python floats.

    Raises:
        ValueError: if ``weight_decay`` is negative.
    """
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    decay = [name for name, shape in shapes.items() if len(tuple(shape)) >= 2]
    no_decay = [name for name, shape in shapes.items() if len(tuple(shape)) < 2]
    return [{"params": decay, "weight_decay": float(weight_decay)}, {"params": no_decay, "weight_decay": 0.0}]


# ---- optimisers -----------------------------------------------------------------------------------


def _check_lists(params: Sequence[torch.Tensor], grads: Sequence[torch.Tensor]) -> None:
    if len(params) != len(grads):
        raise ValueError(f"{len(params)} parameters but {len(grads)} gradients")
    for i, (p, g) in enumerate(zip(params, grads)):
        if p.shape != g.shape:
            raise ValueError(f"parameter {i} has shape {tuple(p.shape)} but its gradient {tuple(g.shape)}")


def sgd_step(
    params: Sequence[torch.Tensor],
    grads: Sequence[torch.Tensor],
    state: dict,
    *,
    lr: float = 1e-3,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
) -> tuple[list[torch.Tensor], dict]:
    """One step of SGD, exactly as ``torch.optim.SGD`` (``maximize=False``).

    For each parameter ``p`` with gradient ``g``:

    1. ``d = g + weight_decay * p`` (L2 weight decay, added to the gradient);
    2. if ``momentum != 0``: on the first step (no buffer in ``state`` yet)
       ``buf = d`` (no dampening on the first step); on later steps
       ``buf = momentum * buf + (1 - dampening) * d``. Then ``d = d +
       momentum * buf`` if ``nesterov`` else ``d = buf``;
    3. ``p = p - lr * d``.

    Args:
        params, grads: aligned lists of float tensors of equal shapes (one
            dtype throughout: float32 or float64).
        state: ``{}`` before the first step, then the dict the previous call
            returned.
        lr, momentum, dampening, weight_decay: ``>= 0``.
        nesterov: requires ``momentum > 0`` and ``dampening == 0``.

    Returns:
        ``(new_params, new_state)``: a list of new tensors (same shapes and
        dtypes) and the state for the next call: ``{"momentum_buffer":
        [one tensor per parameter]}`` when ``momentum != 0``, ``{}`` when
        ``momentum == 0``. The arguments (tensors and ``state``) are not
        modified.

    Raises:
        ValueError: for a negative ``lr``, ``momentum``, ``dampening`` or
            ``weight_decay``; ``nesterov`` with ``momentum <= 0`` or
            ``dampening != 0``; ``params`` and ``grads`` of different lengths
            or a gradient whose shape differs from its parameter's.
    """
    if lr < 0 or momentum < 0 or dampening < 0 or weight_decay < 0:
        raise ValueError("lr, momentum, dampening and weight_decay must be >= 0")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")
    _check_lists(params, grads)
    buffers = state.get("momentum_buffer")
    new_params, new_buffers = [], []
    for i, (p, g) in enumerate(zip(params, grads)):
        d = g + weight_decay * p
        if momentum:
            if buffers is None:
                buf = d.clone()
            else:
                buf = momentum * buffers[i] + (1 - dampening) * d
            new_buffers.append(buf)
            d = d + momentum * buf if nesterov else buf
        new_params.append(p - lr * d)
    return new_params, ({"momentum_buffer": new_buffers} if momentum else {})


def adamw_step(
    params: Sequence[torch.Tensor],
    grads: Sequence[torch.Tensor],
    state: dict,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
) -> tuple[list[torch.Tensor], dict]:
    """One step of AdamW, exactly as ``torch.optim.AdamW`` (``maximize=False``).

    With ``t`` the number of this step (1 on the first call) and, for each
    parameter ``p`` with gradient ``g``:

    1. ``p = p * (1 - lr * weight_decay)`` (decoupled weight decay: the
       gradient is **not** changed, and the decay is scaled by ``lr``);
    2. ``m = beta1 * m + (1 - beta1) * g`` and ``v = beta2 * v + (1 - beta2)
       * g * g`` (both start at zeros);
    3. with ``amsgrad``: ``v_max = maximum(v_max, v)`` (starting at zeros),
       and ``v_max`` replaces ``v`` below;
    4. ``p = p - lr * m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected
       ``m_hat = m / (1 - beta1**t)`` and ``v_hat = v / (1 - beta2**t)``:
       ``eps`` is added **after** the square root.

    Args:
        params, grads: aligned lists of float tensors of equal shapes (one
            dtype throughout: float32 or float64).
        state: ``{}`` before the first step, then the dict the previous call
            returned.
        lr, eps, weight_decay: ``>= 0``.
        betas: ``(beta1, beta2)``, each in ``[0, 1)``.
        amsgrad: keep the running maximum of ``v``.

    Returns:
        ``(new_params, new_state)``: a list of new tensors (same shapes and
        dtypes) and ``{"step": t, "exp_avg": [m per parameter],
        "exp_avg_sq": [v per parameter]}`` (``t`` a Python int) plus
        ``"max_exp_avg_sq": [v_max per parameter]`` when ``amsgrad``. The
        arguments (tensors and ``state``) are not modified.

    Raises:
        ValueError: for a negative ``lr``, ``eps`` or ``weight_decay``, a
            beta outside ``[0, 1)``, or ``params`` and ``grads`` of different
            lengths or shapes.
    """
    beta1, beta2 = betas
    if lr < 0 or eps < 0 or weight_decay < 0:
        raise ValueError("lr, eps and weight_decay must be >= 0")
    if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
        raise ValueError(f"betas must lie in [0, 1), got {betas}")
    _check_lists(params, grads)
    step = state.get("step", 0) + 1
    exp_avgs = state.get("exp_avg") or [torch.zeros_like(p) for p in params]
    exp_avg_sqs = state.get("exp_avg_sq") or [torch.zeros_like(p) for p in params]
    max_sqs = state.get("max_exp_avg_sq") or [torch.zeros_like(p) for p in params]
    bias_correction1 = 1 - beta1**step
    bias_correction2_sqrt = math.sqrt(1 - beta2**step)
    step_size = lr / bias_correction1
    new_params, new_m, new_v, new_max = [], [], [], []
    for p, g, m, v, v_max in zip(params, grads, exp_avgs, exp_avg_sqs, max_sqs):
        p = p * (1 - lr * weight_decay)
        m = torch.lerp(m, g, 1 - beta1)
        v = v * beta2 + (1 - beta2) * g * g
        if amsgrad:
            v_max = torch.maximum(v_max, v)
            new_max.append(v_max)
        denom = (v_max if amsgrad else v).sqrt() / bias_correction2_sqrt + eps
        new_params.append(torch.addcdiv(p, m, denom, value=-step_size))
        new_m.append(m)
        new_v.append(v)
    new_state = {"step": step, "exp_avg": new_m, "exp_avg_sq": new_v}
    if amsgrad:
        new_state["max_exp_avg_sq"] = new_max
    return new_params, new_state


def _make_groups(params, defaults: dict, step_fn) -> list[dict]:
    """Copy the parameters into groups that carry every hyperparameter; check them."""
    params = list(params)
    if not params:
        raise ValueError("the optimiser got an empty parameter list")
    groups = params if isinstance(params[0], dict) else [{"params": params}]
    out = []
    for group in groups:
        if "params" not in group or not set(group) <= {"params", *defaults}:
            raise ValueError(f"a parameter group holds 'params' and hyperparameters only, got {sorted(group)}")
        hyper = {**defaults, **{k: v for k, v in group.items() if k != "params"}}
        step_fn([], [], {}, **hyper)  # raises ValueError for bad hyperparameters
        out.append({"params": [p.detach().clone() for p in group["params"]], **hyper})
    return out


def _grouped_step(groups: list[dict], states: list[dict], grads, step_fn) -> list[torch.Tensor]:
    """Run ``step_fn`` on each group with its slice of ``grads``; update groups and states in place."""
    grads = list(grads)
    total = sum(len(group["params"]) for group in groups)
    if len(grads) != total:
        raise ValueError(f"expected {total} gradients (one per parameter), got {len(grads)}")
    start = 0
    for i, group in enumerate(groups):
        n = len(group["params"])
        hyper = {k: v for k, v in group.items() if k != "params"}
        group["params"], states[i] = step_fn(group["params"], grads[start : start + n], states[i], **hyper)
        start += n
    return [p.clone() for group in groups for p in group["params"]]


class SGD:
    """SGD that keeps its momentum buffers between calls of :meth:`step`.

    ``params`` is either a list of tensors (one group) or a list of
    parameter groups, dicts ``{"params": [tensors], ...}`` whose other keys
    (any of ``lr``, ``momentum``, ``dampening``, ``weight_decay``,
    ``nesterov``) override the constructor's values for that group, as in
    ``torch.optim.SGD``. The optimiser keeps its own copies of the tensors
    (the arguments are not modified) and one state per group.

    Raises ``ValueError`` for an empty ``params``, a group without
    ``"params"`` or with another key, and for any group's hyperparameters
    that :func:`sgd_step` refuses.
    """

    def __init__(
        self,
        params: Sequence[torch.Tensor] | Sequence[dict],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        """Copy the parameters into groups with every hyperparameter filled in (see the class docstring)."""
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        self.param_groups = _make_groups(params, defaults, sgd_step)
        self._states: list[dict] = [{} for _ in self.param_groups]

    def step(self, grads: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """One :func:`sgd_step` per group, with the state that group's previous step left.

        Args:
            grads: one gradient per parameter, in the order of the groups
                and, inside each group, of its ``"params"``.

        Returns:
            The updated parameters in the same order (new tensors).

        Raises:
            ValueError: for a wrong number of gradients or a wrong shape.
        """
        return _grouped_step(self.param_groups, self._states, grads, sgd_step)


class AdamW:
    """AdamW that keeps its moments and step count between calls of :meth:`step`.

    As :class:`SGD`, with the hyperparameters ``lr``, ``betas``, ``eps``,
    ``weight_decay`` and ``amsgrad`` (per group overridable, as in
    ``torch.optim.AdamW``), checked as :func:`adamw_step` checks them. A
    typical use: ``AdamW([{"params": decayed, "weight_decay": 0.1},
    {"params": others, "weight_decay": 0.0}], lr=6e-4)`` with the groups of
    :func:`decay_groups`.
    """

    def __init__(
        self,
        params: Sequence[torch.Tensor] | Sequence[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        """Copy the parameters into groups with every hyperparameter filled in (see the class docstring)."""
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        self.param_groups = _make_groups(params, defaults, adamw_step)
        self._states: list[dict] = [{} for _ in self.param_groups]

    def step(self, grads: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """One :func:`adamw_step` per group (each group counts its own steps).

        Args and returns as :meth:`SGD.step`.
        """
        return _grouped_step(self.param_groups, self._states, grads, adamw_step)
