"""Lab 35: parameter-efficient fine-tuning beyond LoRA.

Three ways to adapt a frozen GPT-2 language model by training a handful of
new parameters, and a comparison of the three with full fine-tuning:

1. **Bottleneck adapters** (Houlsby et al., 2019): a small residual MLP
   ``h + up(f(down(h)))`` after the attention output and after the MLP
   output of every block (:class:`BottleneckAdapter`, :class:`AdapterModel`).
   ``up`` starts at zero, so the adapted model is exactly the base model at
   initialisation.
2. **Prefix tuning** (Li and Liang, 2021): every layer gets ``k`` trainable
   key and value vectors that each real token can attend to, as if a prefix
   of ``k`` tokens had already been processed (:class:`PrefixTuningModel`).
3. **Prompt tuning** (Lester et al., 2021): ``k`` trainable embedding vectors
   ("virtual tokens") prepended to the input embeddings
   (:class:`PromptTuningModel`), the same computation as peft's
   ``PromptTuningConfig``.

:func:`count_parameters` counts trainable and total parameters,
:func:`train_peft` trains whatever is trainable, and :func:`compare_methods`
puts the four methods side by side.

Conventions
-----------
* The base model is a ``transformers.GPT2LMHeadModel`` (:func:`build_base_model`).
* Token ids, attention masks and labels are ``torch.long`` tensors of shape
  ``(batch, seq)``; a mask is 1 at real tokens and 0 at padding; a label of
  ``-100`` is ignored by the loss.
* The three wrappers return ``{"logits": (batch, seq, vocab), "loss": scalar
  tensor or None}``: logits of the real positions only, in order.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import DynamicCache, GPT2Config, GPT2LMHeadModel

#: The nonlinearities a :class:`BottleneckAdapter` accepts, by name.
ACTIVATIONS = ("relu", "gelu", "tanh")

#: The rows of :func:`compare_methods`, in order.
METHODS = ("full", "adapter", "prefix", "prompt")

_ACTIVATION_MODULES = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}


def build_base_model(config: dict, state_dict: dict | None = None) -> GPT2LMHeadModel:
    """A GPT-2 language model built from a config dict, in eval mode.

    Args:
        config: keyword arguments of ``transformers.GPT2Config`` (``vocab_size``,
            ``n_embd``, ``n_layer``, ``n_head``, ...).
        state_dict: if given, loaded into the model (strictly: the keys must
            be exactly ``GPT2LMHeadModel``'s).

    Returns:
        a ``GPT2LMHeadModel`` in eval mode, every parameter trainable.
    """
    model = GPT2LMHeadModel(GPT2Config(**config))
    if state_dict is not None:
        model.load_state_dict(state_dict)
    return model.eval()


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")


def _freeze(model: nn.Module) -> None:
    for p in model.parameters():
        p.requires_grad_(False)


def _output(out, num_virtual_tokens: int = 0) -> dict:
    return {"logits": out.logits[:, num_virtual_tokens:], "loss": out.loss}


# ---- 1. bottleneck adapters -------------------------------------------------------------------------------------


class BottleneckAdapter(nn.Module):
    """A bottleneck adapter: ``x + up(f(down(x)))``, the identity at initialisation.

    Args:
        d_model: the width of the vectors it adapts (input and output).
        bottleneck: the hidden width, usually much smaller than ``d_model``.
        activation: the nonlinearity ``f``, one of :data:`ACTIVATIONS`
            (``"relu"``, ``"gelu"`` (exact, erf form), ``"tanh"``).

    Submodules (their names are the state-dict keys):
        down: ``nn.Linear(d_model, bottleneck)`` with PyTorch's default
            initialisation.
        up: ``nn.Linear(bottleneck, d_model)`` with weight AND bias set to
            zero, so that the adapter returns its input unchanged until
            ``up`` is trained.

    Raises:
        ValueError: if ``d_model`` or ``bottleneck`` is below 1, or the
            activation is not one of :data:`ACTIVATIONS`.
    """

    def __init__(self, d_model: int, bottleneck: int, activation: str = "relu") -> None:
        super().__init__()
        _check_positive("d_model", d_model)
        _check_positive("bottleneck", bottleneck)
        if activation not in _ACTIVATION_MODULES:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.down = nn.Linear(d_model, bottleneck)
        self.act = _ACTIVATION_MODULES[activation]()
        self.up = nn.Linear(bottleneck, d_model)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x + up(f(down(x)))`` for ``x`` of shape ``(..., d_model)``; same shape out."""
        return x + self.up(self.act(self.down(x)))


def _apply_after(adapter: BottleneckAdapter):
    """A forward hook that passes a module's output through ``adapter``."""

    def hook(module, inputs, output):
        return adapter(output)

    return hook


class AdapterModel(nn.Module):
    """A frozen GPT-2 with two bottleneck adapters in every block.

    In block ``i`` adapter ``adapters[2 * i]`` transforms the attention
    sublayer's output (the output of ``attn.c_proj``) and ``adapters[2 * i + 1]``
    the MLP sublayer's output (the output of ``mlp.c_proj``), each BEFORE it
    is added to the residual stream:
    ``x = x + A_attn(attn(ln_1(x)))``, then ``x = x + A_mlp(mlp(ln_2(x)))``.

    Args:
        base_model: a ``GPT2LMHeadModel``; it is frozen (every parameter's
            ``requires_grad`` set to False) and kept as ``self.base``.
        bottleneck, activation: as for :class:`BottleneckAdapter`, with
            ``d_model = base_model.config.n_embd``.

    Attributes (state-dict keys ``base.*`` and ``adapters.<j>.{down,up}.{weight,bias}``):
        base: the base model.
        adapters: an ``nn.ModuleList`` of ``2 * n_layer`` adapters, the only
            trainable parameters.

    Raises:
        ValueError: as :class:`BottleneckAdapter`.
    """

    def __init__(self, base_model: GPT2LMHeadModel, bottleneck: int, activation: str = "relu") -> None:
        super().__init__()
        d_model = base_model.config.n_embd
        adapters = []
        for _ in base_model.transformer.h:
            adapters += [BottleneckAdapter(d_model, bottleneck, activation), BottleneckAdapter(d_model, bottleneck, activation)]
        self.base = base_model
        _freeze(self.base)
        self.adapters = nn.ModuleList(adapters)
        blocks = self.base.transformer.h
        for block, after_attn, after_mlp in zip(blocks, self.adapters[0::2], self.adapters[1::2]):
            block.attn.c_proj.register_forward_hook(_apply_after(after_attn))
            block.mlp.c_proj.register_forward_hook(_apply_after(after_mlp))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                labels: torch.Tensor | None = None) -> dict:
        """Run the adapted model.

        Args:
            input_ids: ``(batch, seq)`` token ids.
            attention_mask: ``(batch, seq)``, 1 = real token, 0 = padding; None = all real.
            labels: ``(batch, seq)`` next-token targets as for ``GPT2LMHeadModel``
                (shifted inside; ``-100`` ignored); None = no loss.

        Returns:
            ``{"logits": (batch, seq, vocab), "loss": the mean cross-entropy or None}``.
        """
        return _output(self.base(input_ids=input_ids, attention_mask=attention_mask, labels=labels))


# ---- 2. prefix tuning -------------------------------------------------------------------------------------------


class PrefixTuningModel(nn.Module):
    """A frozen GPT-2 whose every attention layer also attends to ``k`` trainable key/value vectors.

    Layer ``i`` attends over ``[prefix_keys[i]; keys of the tokens]`` (values
    likewise), split into heads exactly as the layer splits its own keys
    (head ``h`` takes features ``h * head_dim .. (h + 1) * head_dim - 1``).
    Every real token attends to every prefix position (padding and causality
    apply to the real tokens only). The computation is that of peft's
    ``PrefixTuningConfig`` (no prefix projection): the prefix is passed to the
    base model as a cache of already-processed positions, so the tokens'
    position ids are ``k, k + 1, ..., k + seq - 1`` by column (padding
    columns included, as GPT-2 numbers them when given no ``position_ids``).
    Each call starts from the prefix alone: nothing is carried from one call
    to the next.

    Args:
        base_model: a ``GPT2LMHeadModel``; frozen and kept as ``self.base``.
        num_virtual_tokens: ``k``, the prefix length, at least 1.

    Attributes (state-dict keys ``base.*``, ``prefix_keys``, ``prefix_values``):
        prefix_keys, prefix_values: ``nn.Parameter`` of shape
            ``(n_layer, k, n_embd)``, initialised from a standard normal: one
            set per layer, the only trainable parameters.

    Raises:
        ValueError: if ``num_virtual_tokens`` is below 1.
    """

    def __init__(self, base_model: GPT2LMHeadModel, num_virtual_tokens: int) -> None:
        super().__init__()
        _check_positive("num_virtual_tokens", num_virtual_tokens)
        config = base_model.config
        self.base = base_model
        _freeze(self.base)
        self.num_virtual_tokens = num_virtual_tokens
        shape = (config.n_layer, num_virtual_tokens, config.n_embd)
        self.prefix_keys = nn.Parameter(torch.randn(shape))
        self.prefix_values = nn.Parameter(torch.randn(shape))

    def _cache(self, batch: int) -> DynamicCache:
        config = self.base.config
        heads, k = config.n_head, self.num_virtual_tokens
        cache = DynamicCache()
        for layer in range(config.n_layer):
            # (k, n_embd) -> (batch, heads, k, head_dim)
            key = self.prefix_keys[layer].view(k, heads, -1).transpose(0, 1).expand(batch, -1, -1, -1)
            value = self.prefix_values[layer].view(k, heads, -1).transpose(0, 1).expand(batch, -1, -1, -1)
            cache.update(key, value, layer)
        return cache

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                labels: torch.Tensor | None = None) -> dict:
        """Run the prefixed model; arguments and result as :meth:`AdapterModel.forward`.

        The loss is over the real tokens only (the prefix has no labels).
        """
        batch = input_ids.shape[0]
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        prefix_mask = torch.ones(batch, self.num_virtual_tokens, dtype=attention_mask.dtype)
        out = self.base(input_ids=input_ids, attention_mask=torch.cat([prefix_mask, attention_mask], dim=1),
                        past_key_values=self._cache(batch), labels=labels)
        return _output(out)


# ---- 3. prompt tuning -------------------------------------------------------------------------------------------


class PromptTuningModel(nn.Module):
    """A frozen GPT-2 reading ``k`` trainable "virtual token" embeddings before every input.

    The model sees ``[prompt; token embeddings]``, numbered by column as
    GPT-2 does when given no ``position_ids``: the ``k`` prompt vectors take
    positions ``0 .. k - 1`` and the tokens ``k .. k + seq - 1`` (padding
    columns included). The attention mask gets ``k`` ones in front and the
    labels ``k`` values of ``-100`` in front, so the first real token is
    predicted from the last virtual position. This is exactly peft's ``PromptTuningConfig(
    task_type="CAUSAL_LM", num_virtual_tokens=k)``.

    Args:
        base_model: a ``GPT2LMHeadModel``; frozen and kept as ``self.base``.
        num_virtual_tokens: ``k``, at least 1.
        init_token_ids: None: the prompt is initialised from a standard
            normal. Otherwise the prompt starts as rows of the base model's
            input embedding: the ids repeated as often as needed, then cut to
            ``k`` (``[5, 7]`` with ``k = 5`` -> rows 5, 7, 5, 7, 5), as peft's
            ``PromptTuningInit.TEXT`` does with the token ids of its text.

    Attributes (state-dict keys ``base.*`` and ``prompt.weight``):
        prompt: ``nn.Embedding(k, n_embd)``, the only trainable parameters.

    Raises:
        ValueError: if ``num_virtual_tokens`` is below 1, ``init_token_ids``
            is empty, or an id is outside ``0 .. vocab_size - 1``.
    """

    def __init__(self, base_model: GPT2LMHeadModel, num_virtual_tokens: int,
                 init_token_ids: list[int] | None = None) -> None:
        super().__init__()
        _check_positive("num_virtual_tokens", num_virtual_tokens)
        self.base = base_model
        _freeze(self.base)
        self.num_virtual_tokens = num_virtual_tokens
        embeddings = self.base.get_input_embeddings()
        self.prompt = nn.Embedding(num_virtual_tokens, embeddings.embedding_dim)
        if init_token_ids is not None:
            ids = list(init_token_ids)
            if not ids:
                raise ValueError("init_token_ids must not be empty")
            if not all(0 <= i < embeddings.num_embeddings for i in ids):
                raise ValueError(f"init_token_ids must be ids below the vocabulary size {embeddings.num_embeddings}")
            rows = torch.tensor([ids[j % len(ids)] for j in range(num_virtual_tokens)])
            with torch.no_grad():
                self.prompt.weight.copy_(embeddings.weight[rows])

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                labels: torch.Tensor | None = None) -> dict:
        """Run the prompted model; arguments and result as :meth:`AdapterModel.forward`.

        ``logits`` are those of the real positions only, ``(batch, seq, vocab)``;
        ``loss`` is peft's: the mean over the real tokens' labels (not ``-100``),
        the first one predicted from the last virtual position.
        """
        batch, k = input_ids.shape[0], self.num_virtual_tokens
        prompt = self.prompt.weight.unsqueeze(0).expand(batch, -1, -1)
        embeds = torch.cat([prompt, self.base.get_input_embeddings()(input_ids)], dim=1)
        if attention_mask is not None:
            attention_mask = torch.cat([torch.ones(batch, k, dtype=attention_mask.dtype), attention_mask], dim=1)
        if labels is not None:
            labels = torch.cat([torch.full((batch, k), -100, dtype=labels.dtype), labels], dim=1)
        out = self.base(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels)
        return _output(out, k)


# ---- 4. counting, training, comparing ---------------------------------------------------------------------------


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """``(trainable, total)`` numbers of parameter elements of ``model``.

    ``trainable`` counts the parameters with ``requires_grad``; ``total``
    counts all of them. A parameter shared by two modules (GPT-2's tied
    input embedding and output head) counts once, as in
    ``model.parameters()`` and peft's ``get_nb_trainable_parameters``.
    """
    trainable = total = 0
    for p in model.parameters():
        total += p.numel()
        if p.requires_grad:
            trainable += p.numel()
    return trainable, total


def _loss(out) -> torch.Tensor:
    return out["loss"]


def train_peft(model: nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor, labels: torch.Tensor,
               steps: int, lr: float = 1e-2) -> list[float]:
    """Train the trainable parameters of ``model`` on one batch; the losses seen.

    ``model`` is one of the wrappers or a plain ``GPT2LMHeadModel`` (called
    with keyword arguments ``input_ids``, ``attention_mask``, ``labels``; its
    result's ``["loss"]`` is used). One ``torch.optim.AdamW(trainable
    parameters, lr=lr)`` (other settings default) takes ``steps`` full-batch
    steps in train mode; parameters without ``requires_grad`` never change.
    The model is left in eval mode.

    Returns:
        ``steps`` Python floats: the loss computed at each step, before that
        step's update (``[]`` for ``steps == 0``).

    Raises:
        ValueError: if ``steps`` is negative or the model has no trainable
            parameter.
    """
    if steps < 0:
        raise ValueError(f"steps must be non-negative, got {steps}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameter")
    optimizer = torch.optim.AdamW(params, lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        loss = _loss(model(input_ids=input_ids, attention_mask=attention_mask, labels=labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses


def compare_methods(config: dict, state_dict: dict, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    labels: torch.Tensor, *, bottleneck: int = 4, num_virtual_tokens: int = 4, steps: int = 10,
                    lr: float = 1e-2, seed: int = 0) -> list[dict]:
    """Fine-tune the same base model four ways on one batch and tabulate the result.

    For each method of :data:`METHODS`, in order, a FRESH base model is built
    with :func:`build_base_model` ``(config, state_dict)`` (no method sees
    another's training), ``torch.manual_seed(seed)`` is called, the method is
    applied (``"full"``: the base model itself, every parameter trainable;
    ``"adapter"``: :class:`AdapterModel` ``(base, bottleneck)``; ``"prefix"``:
    :class:`PrefixTuningModel` ``(base, num_virtual_tokens)``;
    ``"prompt"``: :class:`PromptTuningModel` ``(base, num_virtual_tokens)``)
    and trained with :func:`train_peft` ``(..., steps, lr)``.

    Returns:
        four dicts, one per method in order, with keys ``"method"`` (the
        name), ``"trainable_params"`` and ``"total_params"`` (ints, as
        :func:`count_parameters` after applying the method),
        ``"initial_loss"`` (float: the loss before any update) and
        ``"final_loss"`` (float: the loss of the trained model in eval mode
        after the last step).

    Raises:
        ValueError: if ``steps`` is below 1 (and as the wrappers raise).
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    apply = {
        "full": lambda base: base,
        "adapter": lambda base: AdapterModel(base, bottleneck),
        "prefix": lambda base: PrefixTuningModel(base, num_virtual_tokens),
        "prompt": lambda base: PromptTuningModel(base, num_virtual_tokens),
    }
    rows = []
    for method in METHODS:
        base = build_base_model(config, state_dict)
        torch.manual_seed(seed)
        model = apply[method](base)
        trainable, total = count_parameters(model)
        losses = train_peft(model, input_ids, attention_mask, labels, steps, lr)
        with torch.no_grad():
            final = _loss(model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)).item()
        rows.append({"method": method, "trainable_params": trainable, "total_params": total,
                     "initial_loss": losses[0], "final_loss": final})
    return rows
