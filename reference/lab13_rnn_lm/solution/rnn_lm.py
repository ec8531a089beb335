"""Lab 13: recurrent language models.

An Elman RNN (tanh) and an LSTM written from scratch, a character-level
language model built on them (embedding -> recurrent layer -> linear head),
training with truncated back-propagation through time (TBPTT), perplexity,
and temperature sampling.

Conventions used throughout
---------------------------
* Layouts are **batch first**: sequences of vectors are ``(B, T, I)``, token
  ids ``(B, T)``. The recurrent state has ``torch.nn.RNN``'s / ``torch.nn.LSTM``'s
  shape ``(1, B, H)`` (one layer): ``h`` for the RNN, a tuple ``(h, c)`` for
  the LSTM. ``state=None`` means zeros.
* Parameters are named and shaped like layer 0 of ``nn.RNN`` / ``nn.LSTM``
  (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``), so the
  ``state_dict`` of ``nn.RNN(I, H, batch_first=True)`` loads unchanged into
  :class:`RNN`, and likewise for the LSTM. The LSTM stacks its four gates in
  ``torch``'s order **i, f, g, o** (input, forget, cell candidate, output):
  rows ``0:H`` of ``weight_ih_l0`` belong to ``i``, ``H:2H`` to ``f``, ...
* Both biases are used when ``bias=True`` (torch adds ``b_ih`` and ``b_hh``).
* Losses are natural-log cross-entropies averaged over tokens.

You may use any ``torch`` operation (``torch.tanh``, ``torch.sigmoid``,
``F.cross_entropy``, ``nn.Embedding``, ``nn.Linear``, ``torch.optim``) but not
``nn.RNN``, ``nn.LSTM``, ``nn.RNNCell``, ``nn.LSTMCell`` or their functional
forms.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]
"""A recurrent state: ``h`` of shape ``(1, B, H)`` (RNN) or a tuple ``(h, c)`` (LSTM)."""

CELL_KINDS = ("rnn", "lstm")
"""The values accepted by ``RNNLanguageModel(cell=...)``."""


# ---- one time step --------------------------------------------------------------------------------


def rnn_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> torch.Tensor:
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    Args:
        x: the inputs ``(B, I)``.
        h: the previous hidden state ``(B, H)``.
        weight_ih: ``(H, I)``; weight_hh: ``(H, H)``.
        bias_ih, bias_hh: ``(H,)`` each, or None (no bias term).

    Returns:
        The new hidden state ``(B, H)``, differentiable with respect to every
        argument.
    """
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih
    if bias_hh is not None:
        pre = pre + bias_hh
    return torch.tanh(pre)


def lstm_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One step of an LSTM, with ``torch``'s gate order i, f, g, o.

    With ``z = x W_ih^T + b_ih + h W_hh^T + b_hh`` of shape ``(B, 4H)`` cut
    into four blocks of ``H`` columns ``z_i, z_f, z_g, z_o`` (in this order)::

        i = sigmoid(z_i)   f = sigmoid(z_f)   g = tanh(z_g)   o = sigmoid(z_o)
        c' = f * c + i * g
        h' = o * tanh(c')

    Args:
        x: the inputs ``(B, I)``.
        h, c: the previous hidden and cell states ``(B, H)``.
        weight_ih: ``(4H, I)``; weight_hh: ``(4H, H)``.
        bias_ih, bias_hh: ``(4H,)`` each, or None.

    Returns:
        ``(h', c')``, each ``(B, H)``, differentiable.
    """
    z = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        z = z + bias_ih
    if bias_hh is not None:
        z = z + bias_hh
    z_i, z_f, z_g, z_o = z.chunk(4, dim=1)
    c_next = torch.sigmoid(z_f) * c + torch.sigmoid(z_i) * torch.tanh(z_g)
    h_next = torch.sigmoid(z_o) * torch.tanh(c_next)
    return h_next, c_next


# ---- layers over a sequence -----------------------------------------------------------------------


class _Recurrent(nn.Module):
    """Parameters shared by RNN and LSTM: ``gates`` blocks of ``hidden_size`` rows (set by each subclass)."""

    gates: int

    def __init__(self, input_size: int, hidden_size: int, bias: bool) -> None:
        super().__init__()
        if input_size < 1 or hidden_size < 1:
            raise ValueError("input_size and hidden_size must be positive")
        self.input_size, self.hidden_size = input_size, hidden_size
        rows = self.gates * hidden_size
        self.weight_ih_l0 = nn.Parameter(torch.empty(rows, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(rows, hidden_size))
        if bias:
            self.bias_ih_l0 = nn.Parameter(torch.empty(rows))
            self.bias_hh_l0 = nn.Parameter(torch.empty(rows))
        else:
            self.register_parameter("bias_ih_l0", None)
            self.register_parameter("bias_hh_l0", None)
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _weights(self) -> tuple:
        return self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0

    def _check_input(self, x: torch.Tensor) -> None:
        if x.dim() != 3 or x.shape[-1] != self.input_size:
            raise ValueError(f"expected input of shape (B, T, {self.input_size}), got {tuple(x.shape)}")

    def _zeros(self, x: torch.Tensor) -> torch.Tensor:
        """A zero state ``(B, H)`` for the batch of ``x``."""
        return x.new_zeros(len(x), self.hidden_size)


class RNN(_Recurrent):
    """A one-layer Elman RNN with tanh, batch first; a drop-in for
    ``nn.RNN(input_size, hidden_size, bias=bias, batch_first=True)``.

    Parameters (initialised uniformly in ``[-1/sqrt(H), 1/sqrt(H)]`` like
    torch): ``weight_ih_l0 (H, I)``, ``weight_hh_l0 (H, H)`` and, when
    ``bias=True``, ``bias_ih_l0 (H,)``, ``bias_hh_l0 (H,)``. With
    ``bias=False`` the model has only the two weights.

    Raises:
        ValueError: if ``input_size`` or ``hidden_size`` is below 1.
    """

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Run the RNN over a batch of sequences with :func:`rnn_cell`.

        Args:
            x: the inputs ``(B, T, I)`` (``T >= 1``).
            h0: the initial state ``(1, B, H)``, or None for zeros.

        Returns:
            ``(output, h_n)``: ``output (B, T, H)`` holds the hidden state after
            every step, ``h_n (1, B, H)`` the last one (as ``nn.RNN``).
            Differentiable with respect to ``x``, ``h0`` and the parameters.

        Raises:
            ValueError: if ``x`` is not 3-D with ``I`` features.
        """
        self._check_input(x)
        if h0 is None:
            h = self._zeros(x)
        else:
            (h,) = h0  # (1, B, H) -> (B, H)
        outputs = []
        for t in range(x.shape[1]):
            h = rnn_cell(x[:, t], h, *self._weights())
            outputs.append(h)
        return torch.stack(outputs, dim=1), h.unsqueeze(0)


class LSTM(_Recurrent):
    """A one-layer LSTM, batch first; a drop-in for
    ``nn.LSTM(input_size, hidden_size, bias=bias, batch_first=True)``.

    Parameters as :class:`RNN` but with ``4H`` rows (gates i, f, g, o):
    ``weight_ih_l0 (4H, I)``, ``weight_hh_l0 (4H, H)``, ``bias_ih_l0 (4H,)``,
    ``bias_hh_l0 (4H,)``.

    Raises:
        ValueError: if ``input_size`` or ``hidden_size`` is below 1.
    """

    gates = 4

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias)

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Run the LSTM over a batch of sequences with :func:`lstm_cell`.

        Both ``h`` and ``c`` are carried from each step to the next.

        Args:
            x: the inputs ``(B, T, I)`` (``T >= 1``).
            state: ``(h0, c0)``, each ``(1, B, H)``, or None for zeros.

        Returns:
            ``(output, (h_n, c_n))``: ``output (B, T, H)`` holds ``h`` after
            every step; ``h_n``, ``c_n`` are ``(1, B, H)`` (as ``nn.LSTM``).
            Differentiable.

        Raises:
            ValueError: if ``x`` is not 3-D with ``I`` features.
        """
        self._check_input(x)
        if state is None:
            h, c = self._zeros(x), self._zeros(x)
        else:
            (h,), (c,) = state  # each (1, B, H) -> (B, H)
        outputs = []
        for t in range(x.shape[1]):
            h, c = lstm_cell(x[:, t], h, c, *self._weights())
            outputs.append(h)
        return torch.stack(outputs, dim=1), (h.unsqueeze(0), c.unsqueeze(0))


# ---- state helpers ----------------------------------------------------------------------------------


def detach_state(state: State | None) -> State | None:
    """The state cut from its autograd history (same values): a tensor, a
    tuple of tensors (each detached), or None (returned as it is)."""
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return tuple(s.detach() for s in state)
    return state.detach()


def _windows(length: int, window: int) -> list[tuple[int, int]]:
    """Start and end of the input positions of each window over ``length`` positions."""
    return [(start, min(start + window, length)) for start in range(0, length, window)]


def _check_stream(tokens: torch.Tensor, window: int) -> None:
    if tokens.dim() != 2 or tokens.shape[1] < 2:
        raise ValueError("tokens must be (B, N) with N >= 2")
    if window < 1:
        raise ValueError("window must be at least 1")


# ---- the language model ---------------------------------------------------------------------------


class RNNLanguageModel(nn.Module):
    """Embedding -> :class:`RNN` or :class:`LSTM` -> linear head over the vocabulary.

    Submodules (their names fix the ``state_dict`` keys): ``embedding``
    (``nn.Embedding(vocab_size, embed_dim)``), ``rnn`` (``RNN(embed_dim,
    hidden_size)`` or ``LSTM(embed_dim, hidden_size)``, with biases) and
    ``head`` (``nn.Linear(hidden_size, vocab_size)``). For example the keys
    for ``cell="lstm"`` are ``embedding.weight``, ``rnn.weight_ih_l0``,
    ``rnn.weight_hh_l0``, ``rnn.bias_ih_l0``, ``rnn.bias_hh_l0``,
    ``head.weight``, ``head.bias``.

    Raises:
        ValueError: if ``cell`` is not in :data:`CELL_KINDS` or a size is below 1.
    """

    def __init__(self, vocab_size: int, embed_dim: int, hidden_size: int, cell: str = "lstm") -> None:
        super().__init__()
        if cell not in CELL_KINDS:
            raise ValueError(f"cell must be one of {CELL_KINDS}, got {cell!r}")
        if min(vocab_size, embed_dim, hidden_size) < 1:
            raise ValueError("vocab_size, embed_dim and hidden_size must be positive")
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = {"rnn": RNN, "lstm": LSTM}[cell](embed_dim, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """Next-token logits for every position.

        Args:
            tokens: token ids ``(B, T)`` (int64).
            state: the recurrent state to start from (see the module
                docstring), or None for zeros.

        Returns:
            ``(logits, state)``: ``logits (B, T, vocab_size)``, where
            ``logits[:, t]`` scores the token that follows ``tokens[:, t]``,
            and the recurrent state after the last position (not detached).
        """
        output, state = self.rnn(self.embedding(tokens), state)
        return self.head(output), state

    def tbptt_losses(self, tokens: torch.Tensor, window: int, state: State | None = None) -> tuple[torch.Tensor, State]:
        """The loss of every TBPTT window over a token stream, the state detached between windows.

        The stream ``tokens (B, N)`` holds ``B`` parallel streams; position
        ``t`` predicts ``t + 1``, so there are ``N - 1`` input positions. They are
        cut into consecutive windows of ``window`` positions (the last one may be
        shorter): window ``w`` has inputs ``tokens[:, s:e]`` and targets
        ``tokens[:, s + 1:e + 1]`` with ``s = w * window``, ``e = min(s + window,
        N - 1)``. Window ``0`` starts from ``state``; each following window
        starts from the previous window's final state **detached** (see
        :func:`detach_state`), so the loss of window ``w`` has a gradient with
        respect to the parameters through window ``w`` only, and only window 0's
        loss depends on ``state``.

        Args:
            tokens: ``(B, N)`` int64, ``N >= 2``.
            window: the window length ``k >= 1``.
            state: the initial state, or None for zeros.

        Returns:
            ``(losses, final_state)``: ``losses`` is a float tensor of shape
            ``(ceil((N - 1) / window),)`` holding each window's mean
            cross-entropy (over its ``B * (e - s)`` targets), each attached to
            its own window's graph; ``final_state`` is the state after the last
            position, detached.

        Raises:
            ValueError: if ``tokens`` is not 2-D with ``N >= 2`` or ``window < 1``.
        """
        _check_stream(tokens, window)
        losses = []
        for start, end in _windows(tokens.shape[1] - 1, window):
            logits, state = self(tokens[:, start:end], state)
            losses.append(F.cross_entropy(logits.flatten(0, 1), tokens[:, start + 1 : end + 1].flatten()))
            state = detach_state(state)
        return torch.stack(losses), state


# ---- training and evaluation ---------------------------------------------------------------------


def train_tbptt(
    model: RNNLanguageModel,
    tokens: torch.Tensor,
    window: int,
    *,
    epochs: int = 1,
    lr: float = 1e-2,
    clip: float | None = 1.0,
) -> list[float]:
    """Train ``model`` in place with TBPTT and Adam; return the loss of every step.

    Each epoch walks through the windows of :meth:`RNNLanguageModel.tbptt_losses` in order,
    starting from a zero state. For each window: forward from the carried
    state, mean cross-entropy, backward, clip the gradient norm to ``clip``
    (``torch.nn.utils.clip_grad_norm_``; None = no clipping), one
    ``torch.optim.Adam(model.parameters(), lr=lr)`` step (one optimizer for
    the whole run), then carry the final state on, **detached**.

    Args:
        model: the language model (trained in place).
        tokens: ``(B, N)`` int64, ``N >= 2``.
        window: the window length ``k >= 1``.
        epochs: the number of passes over the stream (``>= 1``).
        lr: Adam's learning rate.
        clip: the maximum gradient norm, or None.

    Returns:
        The losses (Python floats, before each step) of all
        ``epochs * ceil((N - 1) / window)`` steps, in order.

    Raises:
        ValueError: for bad ``tokens`` or ``window`` (as :meth:`RNNLanguageModel.tbptt_losses`)
            or ``epochs < 1``.
    """
    _check_stream(tokens, window)
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    history = []
    for _ in range(epochs):
        state = None
        for start, end in _windows(tokens.shape[1] - 1, window):
            logits, state = model(tokens[:, start:end], state)
            loss = F.cross_entropy(logits.flatten(0, 1), tokens[:, start + 1 : end + 1].flatten())
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            state = detach_state(state)
            history.append(loss.item())
    return history


def perplexity(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Perplexity ``exp(mean NLL)``: e to the mean natural-log cross-entropy per token.

    Args:
        logits: ``(..., V)`` unnormalised scores.
        targets: int64 token ids with shape ``logits.shape[:-1]``.

    Returns:
        The perplexity as a Python float (``>= 1``; ``V`` for uniform logits).

    Raises:
        ValueError: if the shapes do not fit.
    """
    if tuple(targets.shape) != tuple(logits.shape[:-1]):
        raise ValueError(f"targets {tuple(targets.shape)} do not match logits {tuple(logits.shape)}")
    nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), targets.reshape(-1))
    return math.exp(nll.item())


# ---- sampling -----------------------------------------------------------------------------------


def temperature_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """The sampling distribution ``softmax(logits / temperature)`` over the last dim.

    ``temperature == 0`` means greedy: a one-hot vector at the argmax (the
    first maximum on ties, as ``torch.argmax``).

    Args:
        logits: ``(..., V)`` float.
        temperature: ``>= 0``.

    Returns:
        Probabilities with the shape and dtype of ``logits``, summing to 1.

    Raises:
        ValueError: if ``temperature < 0``.
    """
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if temperature == 0:
        return F.one_hot(logits.argmax(dim=-1), logits.shape[-1]).to(logits.dtype)
    return torch.softmax(logits / temperature, dim=-1)


def _draw(logits: torch.Tensor, temperature: float, generator: torch.Generator) -> torch.Tensor:
    """One token per row of ``logits (B, V)`` from :func:`temperature_probs`."""
    probs = temperature_probs(logits.float(), temperature)
    return torch.multinomial(probs, 1, generator=generator).flatten()


def sample_next(logits: torch.Tensor, temperature: float = 1.0, *, seed: int = 0) -> torch.Tensor:
    """Draw one token per row from ``temperature_probs(logits, temperature)``.

    Seeded: draws come from a ``torch.Generator`` seeded with ``seed``, so the
    same arguments always give the same result (rows are independent draws).

    Args:
        logits: ``(V,)`` or ``(B, V)`` float.
        temperature: ``>= 0``; 0 = argmax.
        seed: the generator's seed.

    Returns:
        int64 token ids of shape ``logits.shape[:-1]`` (a 0-d tensor for ``(V,)``).

    Raises:
        ValueError: if ``temperature < 0`` or ``logits`` is not 1-D or 2-D.
    """
    if logits.dim() not in (1, 2):
        raise ValueError("logits must be (V,) or (B, V)")
    generator = torch.Generator().manual_seed(seed)
    return _draw(logits.reshape(-1, logits.shape[-1]), temperature, generator).reshape(logits.shape[:-1])


@torch.no_grad()
def generate(
    model: RNNLanguageModel, prompt: list[int], num_tokens: int, temperature: float = 1.0, seed: int = 0
) -> list[int]:
    """Continue ``prompt`` by ``num_tokens`` tokens sampled one at a time.

    Run the model over the prompt, draw the next token from
    ``temperature_probs(last logits, temperature)``, feed it back with the
    carried state, and so on. All draws use one ``torch.Generator`` seeded
    with ``seed`` (same arguments, same tokens). ``temperature=0`` is greedy
    decoding. The model's training mode is left as it was.

    Args:
        model: the language model.
        prompt: at least one token id.
        num_tokens: how many tokens to generate (``>= 0``).
        temperature: ``>= 0``.
        seed: the generator's seed.

    Returns:
        The ``num_tokens`` generated ids (without the prompt), as Python ints.

    Raises:
        ValueError: if ``prompt`` is empty, ``num_tokens < 0`` or ``temperature < 0``.
    """
    if not len(prompt):
        raise ValueError("the prompt must not be empty")
    if num_tokens < 0 or temperature < 0:
        raise ValueError("num_tokens and temperature must be >= 0")
    generator = torch.Generator().manual_seed(seed)
    logits, state = model(torch.tensor([list(prompt)], dtype=torch.long))
    generated = []
    for _ in range(num_tokens):
        token = _draw(logits[:, -1], temperature, generator)
        generated.append(int(token))
        logits, state = model(token.view(1, 1), state)
    return generated
