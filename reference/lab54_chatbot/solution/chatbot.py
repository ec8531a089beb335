"""Lab 54: a chatbot with a chat template, a token budget, streaming and a Gradio app.

The pieces of a chat front end around a causal language model:

* ``check_messages`` validates a conversation (roles, order, types);
* ``from_gradio`` turns Gradio's ``ChatInterface`` history and the new
  message into that conversation, with the system prompt first;
* ``render_chat`` renders a conversation with a Jinja chat template exactly
  as ``transformers``' ``apply_chat_template(..., tokenize=False)`` does;
* ``count_tokens`` and ``trim_to_budget`` keep the prompt inside the model's
  context: the system prompt stays, the oldest whole turns go first;
* ``stream_reply`` generates greedily and yields the reply piece by piece;
* ``ChatBot.respond`` ties them together as a streaming ``ChatInterface``
  function, and ``build_app`` wraps it in a Gradio app.

``CHATML_TEMPLATE``, ``load_chat_tokenizer`` and ``tiny_chat_model`` are
given: the tokenizer and the model are not the subject of this lab.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import gradio as gr
import jinja2
import jinja2.ext
import torch
from jinja2.sandbox import ImmutableSandboxedEnvironment
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

ROLES = ("system", "user", "assistant")

# ChatML, the template of the Qwen and many other chat models.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


# ---- given: the tokenizer and the model ---------------------------------------------------------------------


def load_chat_tokenizer(tokenizer_file: str, chat_template: str = CHATML_TEMPLATE) -> PreTrainedTokenizerFast:
    """A ``PreTrainedTokenizerFast`` from a ``tokenizer.json`` file (given, do not change).

    The unknown token is ``"<unk>"``, the end-of-sequence token ``"<|im_end|>"``
    (ChatML's end of a message: generation stops there), and
    ``chat_template`` is stored as the tokenizer's ``chat_template``.
    """
    return PreTrainedTokenizerFast(
        tokenizer_file=tokenizer_file, unk_token="<unk>", eos_token="<|im_end|>", chat_template=chat_template
    )


def tiny_chat_model(vocab_size: int, seed: int = 0, n_positions: int = 256) -> GPT2LMHeadModel:
    """A tiny randomly initialised GPT-2 (given, do not change).

    Two layers, two heads, 32-dimensional embeddings, dropout 0.1 (the
    ``GPT2Config`` default) and a context of ``n_positions`` tokens; the
    weights are drawn with standard deviation 0.3 (so that the replies
    depend on the prompt) under ``torch.manual_seed(seed)``, without touching
    the caller's random state. The model comes back in training mode, as a
    freshly built module does.
    """
    config = GPT2Config(
        vocab_size=vocab_size, n_positions=n_positions, n_embd=32, n_layer=2, n_head=2,
        initializer_range=0.3, bos_token_id=None, eos_token_id=None,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return GPT2LMHeadModel(config)


# ---- conversations ------------------------------------------------------------------------------------------


def check_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Validate a conversation and return a fresh copy of it.

    ``messages`` is a list (or tuple) of mappings, each with a ``"role"`` and
    a ``"content"`` key; other keys are allowed and left out of the copy,
    which holds new ``{"role": ..., "content": ...}`` dicts in the same order
    (the input is never changed). The rules:

    * every role is one of ``ROLES``; every content is a ``str`` (``""`` is fine);
    * at most one ``"system"`` message, and only as the first message;
    * after it, the roles alternate ``"user"``, ``"assistant"``, ``"user"``, ...,
      starting with ``"user"``; the conversation may end with either.

    The empty conversation ``[]`` and a lone system message are valid.

    Raises TypeError when a message is not a mapping or a content is not a
    ``str``; ValueError for a missing key, an unknown role, a misplaced or
    second system message, and a break in the alternation.
    """
    checked = []
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise TypeError(f"message {i} is a {type(message).__name__}, not a dict")
        if "role" not in message or "content" not in message:
            raise ValueError(f"message {i} needs a 'role' and a 'content'")
        role, content = message["role"], message["content"]
        if role not in ROLES:
            raise ValueError(f"message {i} has the unknown role {role!r}")
        if not isinstance(content, str):
            raise TypeError(f"the content of message {i} is a {type(content).__name__}, not a str")
        if role == "system":
            if checked:
                raise ValueError(f"message {i}: a system message may only come first")
        else:
            expected = "assistant" if checked and checked[-1]["role"] == "user" else "user"
            if role != expected:
                raise ValueError(f"message {i} should be a {expected} message, not {role}")
        checked.append({"role": role, "content": content})
    return checked


def from_gradio(history: list[dict], message: str, system_prompt: str | None = None) -> list[dict[str, str]]:
    """The conversation for a Gradio ``ChatInterface`` call: system prompt, history, new message.

    ``history`` is what Gradio 6 passes to the chat function: a list of
    dicts with a ``"role"`` (``"user"`` or ``"assistant"``) and a
    ``"content"``, plus keys such as ``"metadata"`` and ``"options"`` (dropped).
    A content is either a ``str`` or a list of parts, each a dict with a
    ``"type"``: the ``"text"`` of the parts whose type is ``"text"`` are
    joined with ``"\\n"``; other parts (files, components) are ignored.

    Returns ``[{"role": "system", "content": system_prompt}]`` (only when
    ``system_prompt`` is a non-empty string: ``None`` and ``""`` add no
    system message), then the history's messages as plain
    ``{"role", "content"}`` dicts, then ``{"role": "user", "content": message}``.
    The result goes through ``check_messages`` (its errors propagate).
    """
    messages = [{"role": "system", "content": system_prompt}] if system_prompt else []
    for item in history:
        content = item["content"]
        if isinstance(content, list):
            content = "\n".join(part["text"] for part in content if part.get("type") == "text")
        messages.append({"role": item["role"], "content": content})
    messages.append({"role": "user", "content": message})
    return check_messages(messages)


# ---- chat templates -----------------------------------------------------------------------------------------


def _raise_exception(message: str) -> None:
    raise jinja2.TemplateError(message)


def render_chat(
    messages: list[dict[str, str]], chat_template: str, add_generation_prompt: bool = False, **template_vars: str
) -> str:
    """Render ``messages`` with the Jinja ``chat_template`` as ``transformers`` does.

    The result equals ``tokenizer.apply_chat_template(messages,
    tokenize=False, add_generation_prompt=add_generation_prompt)`` for a
    tokenizer whose chat template is ``chat_template`` and whose special
    tokens are ``template_vars`` (e.g. ``bos_token="<s>", eos_token="</s>"``).
    Use a ``jinja2.sandbox.ImmutableSandboxedEnvironment`` with
    ``trim_blocks=True``, ``lstrip_blocks=True`` and the
    ``jinja2.ext.loopcontrols`` extension, and give the template the global
    ``raise_exception(message)``; the template sees ``messages``,
    ``add_generation_prompt`` and each of ``template_vars``. The messages are
    rendered as given (not checked: a template may check them itself).

    Raises ValueError, carrying the template's message, when rendering fails
    with a ``jinja2.TemplateError`` (a syntax error, or ``raise_exception``
    called by the template).
    """
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.globals["raise_exception"] = _raise_exception
    try:
        template = env.from_string(chat_template)
        return template.render(messages=messages, add_generation_prompt=add_generation_prompt, **template_vars)
    except jinja2.TemplateError as e:
        raise ValueError(str(e)) from e


def count_tokens(messages: list[dict[str, str]], tokenizer: PreTrainedTokenizerFast, add_generation_prompt: bool = True) -> int:
    """The number of tokens of ``messages`` rendered with the tokenizer's chat template.

    The length of the token ids of ``tokenizer.apply_chat_template(messages,
    tokenize=False, add_generation_prompt=add_generation_prompt)`` encoded
    with ``tokenizer.encode(text, add_special_tokens=False)`` (the same ids
    ``apply_chat_template`` gives with ``tokenize=True``). By default it counts
    the generation prompt too: the prompt the model will read.
    """
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)
    return len(tokenizer.encode(text, add_special_tokens=False))


def trim_to_budget(messages: list[dict[str, str]], tokenizer: PreTrainedTokenizerFast, max_tokens: int) -> list[dict[str, str]]:
    """Drop the oldest turns until the prompt fits in ``max_tokens`` tokens.

    ``messages`` must pass ``check_messages`` and end with a ``"user"``
    message (the one to be answered). A *turn* is a user message and the
    assistant reply that follows it. The system message (if any) is pinned
    and the last user message is always kept; whole turns are dropped, the
    oldest first, one at a time, until ``count_tokens(kept, tokenizer)``
    (with the generation prompt) is ``<= max_tokens``. So the result is the
    system message, then the newest turns that fit, then the last user
    message; when everything fits it is the whole conversation. Returns new
    dicts; ``messages`` is not changed.

    Raises ValueError when ``max_tokens < 1``, when ``messages`` breaks the
    rules of ``check_messages`` or does not end with a user message, and
    when even the system message and the last user message alone exceed
    ``max_tokens``.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    checked = check_messages(messages)
    if not checked or checked[-1]["role"] != "user":
        raise ValueError("the conversation must end with a user message")
    pinned = checked[:1] if checked[0]["role"] == "system" else []
    body = checked[len(pinned):]
    # body is user, assistant, ..., user: turns start at the even positions.
    for start in range(0, len(body), 2):
        kept = pinned + body[start:]
        if count_tokens(kept, tokenizer) <= max_tokens:
            return kept
    raise ValueError(f"the system prompt and the last message alone exceed {max_tokens} tokens")


# ---- generation ---------------------------------------------------------------------------------------------


def stream_reply(
    model: GPT2LMHeadModel, tokenizer: PreTrainedTokenizerFast, messages: list[dict[str, str]], max_new_tokens: int = 32
) -> Iterator[str]:
    """Generate the assistant's reply greedily and yield it piece by piece.

    The prompt is ``messages`` rendered with the tokenizer's chat template
    and the generation prompt (``tokenizer.apply_chat_template(messages,
    add_generation_prompt=True, tokenize=False)``), encoded without special
    tokens. The model runs in eval mode (put it there: dropout off) without
    gradients. Each step appends the ``argmax`` of the last position's
    logits (the lowest id on a tie, as ``torch.argmax`` picks); generation
    stops at the tokenizer's ``eos_token_id`` (not part of the reply) or
    after ``max_new_tokens`` tokens, so the tokens are those of
    ``model.generate(ids, do_sample=False, max_new_tokens=max_new_tokens,
    eos_token_id=tokenizer.eos_token_id)`` up to the first end-of-sequence.

    After each new token, let ``text`` be ``tokenizer.decode(reply_ids,
    skip_special_tokens=True)`` of the reply so far: yield the part of it
    not yielded before, and nothing when that part is empty. So the pieces
    join to the decoded reply, and they come one token at a time, as soon as
    each token exists (a generator, not a list built at the end).

    Raises ValueError when ``max_new_tokens < 0`` or when the prompt's
    length plus ``max_new_tokens`` exceeds ``model.config.n_positions``.
    ``max_new_tokens == 0`` yields nothing.
    """
    if max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
    prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    ids = tokenizer.encode(prompt, add_special_tokens=False)
    if len(ids) + max_new_tokens > model.config.n_positions:
        raise ValueError(f"{len(ids)} prompt tokens + {max_new_tokens} new ones exceed the context of {model.config.n_positions}")
    model.eval()
    reply: list[int] = []
    text = ""
    cache = None
    step_input = torch.tensor([ids])
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=step_input, cache=cache, use_cache=True)
            cache = out.cache
            token = int(out.logits[0, -1].argmax())
            if token == tokenizer.eos_token_id:
                return
            reply.append(token)
            new_text = tokenizer.decode(reply, skip_special_tokens=True)
            if len(new_text) > len(text):
                yield new_text[len(text):]
                text = new_text
            step_input = torch.tensor([[token]])


# ---- the app ------------------------------------------------------------------------------------------------


class ChatBot:
    """A chatbot: a model, its tokenizer, a system prompt and a token budget.

    ``max_context_tokens`` (default: ``model.config.n_positions``) is the
    most tokens the model may see: the prompt gets
    ``max_context_tokens - max_new_tokens`` of them, the reply the rest.
    The constructor stores its arguments under the same names (with
    ``max_context_tokens`` resolved) and raises ValueError when
    ``max_new_tokens < 0``, when ``max_context_tokens`` exceeds
    ``model.config.n_positions``, or when it leaves the prompt less than one
    token (``max_context_tokens <= max_new_tokens``).
    """

    def __init__(
        self,
        model: GPT2LMHeadModel,
        tokenizer: PreTrainedTokenizerFast,
        system_prompt: str | None = None,
        max_new_tokens: int = 16,
        max_context_tokens: int | None = None,
    ) -> None:
        n_positions = model.config.n_positions
        if max_context_tokens is None:
            max_context_tokens = n_positions
        if max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
        if max_context_tokens > n_positions:
            raise ValueError(f"max_context_tokens={max_context_tokens} exceeds the model's context of {n_positions}")
        if max_context_tokens <= max_new_tokens:
            raise ValueError("max_context_tokens must leave the prompt at least one token")
        self.model = model
        self.tokenizer = tokenizer
        self.system_prompt = system_prompt
        self.max_new_tokens = max_new_tokens
        self.max_context_tokens = max_context_tokens

    def respond(self, message: str, history: list[dict]) -> Iterator[str]:
        """The streaming chat function for ``gr.ChatInterface``.

        Builds the conversation with ``from_gradio(history, message,
        self.system_prompt)``, trims it with ``trim_to_budget`` to
        ``max_context_tokens - max_new_tokens`` tokens, and streams the reply
        with ``stream_reply(..., self.max_new_tokens)``, yielding the whole
        reply so far after each piece (Gradio shows each yielded value in
        place of the previous one). When the reply is empty it yields ``""``
        once. Errors of those functions propagate.
        """
        messages = from_gradio(history, message, self.system_prompt)
        messages = trim_to_budget(messages, self.tokenizer, self.max_context_tokens - self.max_new_tokens)
        text = ""
        for piece in stream_reply(self.model, self.tokenizer, messages, self.max_new_tokens):
            text += piece
            yield text
        if not text:
            yield ""


def build_app(bot: ChatBot, title: str = "Tiny chatbot") -> gr.ChatInterface:
    """A Gradio ``ChatInterface`` around ``bot.respond`` (not launched).

    ``gr.ChatInterface(fn=bot.respond, title=title, api_name="chat",
    analytics_enabled=False)``: the chat endpoint is ``/chat`` for
    ``gradio_client`` (``client.predict(message, api_name="/chat")``), and
    the app sends no telemetry. Launching is the caller's business, e.g.
    ``app.launch(server_name="127.0.0.1", prevent_thread_lock=True)``.
    """
    return gr.ChatInterface(fn=bot.respond, title=title, api_name="chat", analytics_enabled=False)
