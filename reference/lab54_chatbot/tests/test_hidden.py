"""Hidden tests for lab 54 (a chatbot: history, chat templates, a token budget, streaming, Gradio).

Oracles:

* rendering and token counts: ``transformers``' own ``apply_chat_template``
  on a ``PreTrainedTokenizerFast`` loaded here from the same ``tokenizer.json``
  (a word-level vocabulary written by this file) with the same template;
  four templates (ChatML, a Llama-2 style one with ``raise_exception``, a
  Zephyr style one that depends on ``trim_blocks``/``lstrip_blocks``, one
  with ``{% continue %}``), with and without the generation prompt;
* trimming: the docstring's rule (system pinned, whole turns dropped oldest
  first) written out here over the oracle's token counts, at every budget
  from "nothing fits" to "everything fits";
* the streamed reply: ``model.generate(do_sample=False)`` here, on a copy of
  the student's model (its ``state_dict`` read from the worker), cut at the
  first end-of-sequence, and the decoded prefixes giving the pieces;
* the app: the student's ``ChatInterface`` launched in the worker on its own
  127.0.0.1 and driven from here with ``lab.gradio_client`` (a
  gradio_client.Client whose requests open on the worker's loopback); the
  answers (streamed, and across a session's growing history) must be the
  oracle's.
"""

from __future__ import annotations

import contextlib
import json

import pytest
import torch
from tokenizers import Tokenizer, models, pre_tokenizers, processors
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

from autograder.testing import check

torch.set_num_threads(1)

SPECIALS = ["<unk>", "<|im_start|>", "<|im_end|>", "<s>", "</s>"]
WORDS = (
    "system user assistant you are a helpful small bot that answers in short words hello hi how is the "
    "weather today nice rain sun tell me about cats dogs birds fish what do they eat like and or not "
    "yes no please thanks good bad my name ada who am i where we go home café ☕ [INST] [/INST] <<SYS>> <</SYS>>"
).split()

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
LLAMA2 = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}{% endif %}"
    "{% endfor %}"
)
ZEPHYR = """{% for message in messages %}
    {% if message['role'] == 'user' %}
{{ '<|user|>\n' + message['content'] + eos_token }}
    {% elif message['role'] == 'system' %}
{{ '<|system|>\n' + message['content'] + eos_token }}
    {% elif message['role'] == 'assistant' %}
{{ '<|assistant|>\n'  + message['content'] + eos_token }}
    {% endif %}
    {% if loop.last and add_generation_prompt %}
{{ '<|assistant|>' }}
    {% endif %}
{% endfor %}"""
SKIP_SYSTEM = (
    "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'system' %}{% continue %}{% endif %}"
    "{{ m['role'] | upper }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}ASSISTANT:{% endif %}"
)
TEMPLATES = {"chatml": CHATML, "llama2": LLAMA2, "zephyr": ZEPHYR, "continue": SKIP_SYSTEM}
SPECIAL_VARS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}

SYSTEM = {"role": "system", "content": "you are a helpful small bot"}
CHAT = [
    SYSTEM,
    {"role": "user", "content": "hello my name is ada"},
    {"role": "assistant", "content": "hi ada how are you"},
    {"role": "user", "content": "tell me about cats"},
    {"role": "assistant", "content": "cats are nice they eat fish"},
    {"role": "user", "content": "and dogs"},
    {"role": "assistant", "content": "dogs like to go home"},
    {"role": "user", "content": "what is the weather today"},
    {"role": "assistant", "content": "sun no rain"},
    {"role": "user", "content": "who am i"},
]


@pytest.fixture(scope="module")
def tokenizer_file(tmp_path_factory):
    vocab = {w: i for i, w in enumerate(dict.fromkeys(SPECIALS + WORDS))}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.add_special_tokens(SPECIALS)
    # encode() adds a BOS; a chat prompt is encoded without it (the template writes its own special tokens)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", vocab["<s>"])])
    path = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tok.save(str(path))
    return path


def oracle_tokenizer(path, template=CHATML, **special):
    special = special or {"unk_token": "<unk>", "eos_token": "<|im_end|>"}
    return PreTrainedTokenizerFast(tokenizer_file=str(path), chat_template=template, **special)


@pytest.fixture(scope="module")
def tok(tokenizer_file):
    return oracle_tokenizer(tokenizer_file)


@pytest.fixture(scope="module")
def student_tok(lab, tokenizer_file):
    return lab.load_chat_tokenizer(lab.put_file(tokenizer_file))


def n_tokens(tok, messages, gen=True):
    return len(tok.apply_chat_template(messages, tokenize=True, add_generation_prompt=gen, return_dict=False))


class Oracle:
    """The student's model, copied here, and generate() as the reference for the reply."""

    def __init__(self, lab, tok, seed, n_positions):
        self.handle = lab.tiny_chat_model(len(tok), seed, n_positions)
        config = GPT2Config(vocab_size=len(tok), n_positions=n_positions, n_embd=32, n_layer=2, n_head=2,
                            initializer_range=0.3, bos_token_id=None, eos_token_id=None)
        self.model = GPT2LMHeadModel(config)
        self.model.load_state_dict(dict(self.handle.state_dict()))
        self.model.eval()
        self.tok = tok

    def pieces(self, messages, max_new_tokens):
        prompt = self.tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        ids = torch.tensor([self.tok.encode(prompt, add_special_tokens=False)])
        if max_new_tokens == 0:
            return []
        eos = self.tok.eos_token_id
        with torch.no_grad():
            out = self.model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=max_new_tokens,
                                      eos_token_id=eos, pad_token_id=eos, output_scores=True, return_dict_in_generate=True)
        new = out.sequences[0, ids.shape[1]:].tolist()
        for step, scores in enumerate(out.scores):  # the cases must not sit on an argmax tie
            top = scores[0].topk(2).values
            assert float(top[0] - top[1]) > 1e-4, f"near tie at step {step}"
        self.stopped = eos in new
        if self.stopped:
            new = new[: new.index(eos)]
        pieces, text = [], ""
        for k in range(1, len(new) + 1):
            now = self.tok.decode(new[:k], skip_special_tokens=True)
            if len(now) > len(text):
                pieces.append(now[len(text):])
                text = now
        return pieces


def cumulative(pieces):
    out, text = [], ""
    for p in pieces:
        text += p
        out.append(text)
    return out or [""]


# ---- check_messages -----------------------------------------------------------------------------------------

U, A = "user", "assistant"


def msgs(*roles):
    return [{"role": r, "content": f"{r} {i}"} for i, r in enumerate(roles)]


VALID = [
    [],
    msgs("system"),
    msgs(U),
    msgs(U, A),
    msgs("system", U),
    msgs("system", U, A, U),
    msgs(U, A, U, A, U, A),
    [{"role": "system", "content": ""}, {"role": "user", "content": "héllo ☕"}],
]


@pytest.mark.points(2)
def test_check_messages_accepts_valid(lab):
    """check_messages accepts valid conversations (empty, system only, ending with either role) and copies them."""
    got = lab.map(lab.check_messages, [(m,) for m in VALID])
    for m, g in zip(VALID, got):
        check(g == m, f"a valid conversation of roles {[x['role'] for x in m]} should come back equal")
    extra = [{"role": "user", "content": "hi", "metadata": None, "id": 3}, {"role": "assistant", "content": "yes", "options": []}]
    check(lab.check_messages(extra) == [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yes"}],
          "keys other than role and content are left out of the copy")
    check(lab.check_messages(tuple(msgs(U, A))) == msgs(U, A), "a tuple of messages is accepted too")
    original = [dict(m) for m in extra]
    lab.check_messages(original)
    check(original == extra, "check_messages must not change its input")


BAD_VALUE = {
    "keys-and-roles": [
        [{"content": "hi"}],
        [{"role": "user"}],
        [{"role": "bot", "content": "hi"}],
        [{"role": "User", "content": "hi"}],
    ],
    "system-placement": [
        [{"role": "user", "content": "a"}, {"role": "system", "content": "b"}],
        [{"role": "system", "content": "a"}, {"role": "system", "content": "b"}, {"role": "user", "content": "c"}],
        msgs(U, A, "system"),
    ],
    "alternation": [msgs(A, U), msgs("system", A), msgs(U, U), msgs(U, A, A), msgs("system", U, A, U, A, A)],
}
BAD_TYPE = [
    [["user", "hi"]],
    ["user: hi"],
    [{"role": "user", "content": None}],
    [{"role": "user", "content": ["hi"]}],
    msgs(U) + [{"role": "assistant", "content": 3}],
]


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(BAD_VALUE))
def test_check_messages_value_errors(lab, case):
    """check_messages raises ValueError for missing keys, unknown roles, a misplaced system message and broken alternation."""
    lab.check_messages(msgs("system", U, A, U))
    for bad in BAD_VALUE[case]:
        with pytest.raises(ValueError):
            lab.check_messages(bad)


@pytest.mark.points(2)
def test_check_messages_type_errors(lab):
    """check_messages raises TypeError for a message that is not a dict and a content that is not a str."""
    lab.check_messages(msgs(U, A))
    for bad in BAD_TYPE:
        with pytest.raises(TypeError):
            lab.check_messages(bad)


@pytest.mark.points(2)
def test_messages_read_from_json(lab, tok, student_tok):
    """Conversations parsed from JSON (fresh str objects, not literals) are checked, converted and trimmed alike."""
    def fresh(value):
        return json.loads(json.dumps(value))

    check(lab.check_messages(fresh(CHAT)) == CHAT, "a valid conversation read from JSON should be accepted")
    for bad in (msgs(U, U), msgs(U, "system"), msgs("system", A)):
        with pytest.raises(ValueError):
            lab.check_messages(fresh(bad))
    history = fresh(GRADIO6_HISTORY[:2])
    got = lab.from_gradio(history, "tell me about cats", "be brief")
    check([m["content"] for m in got] == ["be brief", "hello", "hi\nhow are you", "tell me about cats"],
          "from_gradio should read Gradio parts read from JSON")
    budget = n_tokens(tok, [CHAT[0]] + CHAT[-3:])
    check(lab.trim_to_budget(fresh(CHAT), student_tok, budget) == expected_trim(tok, CHAT, budget),
          "trimming a conversation read from JSON keeps the wrong messages")


# ---- from_gradio --------------------------------------------------------------------------------------------

GRADIO6_HISTORY = [
    {"role": "user", "content": [{"text": "hello", "type": "text"}], "metadata": None, "options": None},
    {"role": "assistant", "content": [{"text": "hi", "type": "text"}, {"text": "how are you", "type": "text"}],
     "metadata": None, "options": None},
    {"role": "user", "content": [{"file": {"path": "/tmp/cat.png"}, "alt_text": None, "type": "file"},
                                 {"text": "tell me about cats", "type": "text"}], "metadata": None, "options": None},
    {"role": "assistant", "content": "cats eat fish"},
]


@pytest.mark.points(3)
def test_from_gradio_history(lab):
    """from_gradio: system prompt first, Gradio 6 text parts joined with newlines, other parts and keys dropped."""
    got = lab.from_gradio(GRADIO6_HISTORY, "and dogs", "you are a bot")
    expected = [
        {"role": "system", "content": "you are a bot"},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "hi\nhow are you"},
        {"role": "user", "content": "tell me about cats"},
        {"role": "assistant", "content": "cats eat fish"},
        {"role": "user", "content": "and dogs"},
    ]
    check(got == expected, "the conversation built from a Gradio 6 history is wrong")
    plain = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}]
    check(lab.from_gradio(plain, "yes") == plain + [{"role": "user", "content": "yes"}],
          "without a system prompt the conversation is the history and the new message")
    check(lab.from_gradio(plain, "yes", "") == plain + [{"role": "user", "content": "yes"}],
          "an empty system prompt adds no system message")
    check(lab.from_gradio([], "héllo ☕", "be brief") == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "héllo ☕"}],
          "an empty history gives the system prompt and the message")


@pytest.mark.points(2)
def test_from_gradio_checks(lab):
    """from_gradio checks the conversation it builds (a history ending with a user message is invalid)."""
    lab.from_gradio([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}], "c")
    with pytest.raises(ValueError):
        lab.from_gradio([{"role": "user", "content": "a"}], "b")
    with pytest.raises(ValueError):
        lab.from_gradio([{"role": "system", "content": "a"}], "b", "c")


# ---- render_chat --------------------------------------------------------------------------------------------

RENDER_CASES = {
    "system-first": CHAT[:6],
    "no-system": CHAT[1:5],
    "ends-assistant": CHAT[:5],
    "unicode": [{"role": "system", "content": "  sois brève  "}, {"role": "user", "content": " café ☕ ?\n"}],
    "single": [{"role": "user", "content": "hi"}],
}


@pytest.mark.points(2)
@pytest.mark.parametrize("template", list(TEMPLATES))
@pytest.mark.parametrize("gen", [False, True], ids=["plain", "gen"])
def test_render_matches_transformers(lab, tokenizer_file, template, gen):
    """render_chat gives apply_chat_template's text (trim_blocks, lstrip_blocks, loop controls, special tokens)."""
    oracle = oracle_tokenizer(tokenizer_file, TEMPLATES[template], **SPECIAL_VARS)
    cases = list(RENDER_CASES.values())
    got = [lab.render_chat(m, TEMPLATES[template], gen, **SPECIAL_VARS) for m in cases]
    for name, m, g in zip(RENDER_CASES, cases, got):
        expected = oracle.apply_chat_template(m, tokenize=False, add_generation_prompt=gen)
        check(isinstance(g, str), "render_chat should return a str")
        check(g == expected, f"the {template} template rendered the '{name}' conversation (add_generation_prompt={gen}) differently from transformers")


@pytest.mark.points(1)
def test_render_defaults(lab, tokenizer_file):
    """render_chat leaves the generation prompt out by default."""
    oracle = oracle_tokenizer(tokenizer_file, CHATML)
    check(lab.render_chat(CHAT[:4], CHATML) == oracle.apply_chat_template(CHAT[:4], tokenize=False),
          "add_generation_prompt defaults to False")


@pytest.mark.points(3)
def test_render_errors(lab):
    """render_chat turns raise_exception and template syntax errors into ValueError with the template's message."""
    lab.render_chat(CHAT[:4], LLAMA2, **SPECIAL_VARS)
    with pytest.raises(ValueError, match="must alternate"):
        lab.render_chat(msgs(U, U), LLAMA2, **SPECIAL_VARS)
    with pytest.raises(ValueError):
        lab.render_chat(msgs(U), "{% for m in messages %}{{ m['content'] }")


# ---- count_tokens and trim_to_budget ------------------------------------------------------------------------


@pytest.mark.points(3)
def test_count_tokens(lab, tok, student_tok):
    """count_tokens counts the rendered prompt's tokens, with the generation prompt by default."""
    cases = [CHAT, CHAT[1:4], CHAT[:2], [{"role": "user", "content": "zzz unknown words here"}]]
    for m in cases:
        check(lab.count_tokens(m, student_tok) == n_tokens(tok, m, True), "count_tokens (default) differs from apply_chat_template's length")
        check(lab.count_tokens(m, student_tok, False) == n_tokens(tok, m, False),
              "count_tokens with add_generation_prompt=False differs from apply_chat_template's length")
        check(lab.count_tokens(m, student_tok, True) == n_tokens(tok, m, True), "count_tokens with add_generation_prompt=True is wrong")


def expected_trim(tok, messages, budget):
    pinned = messages[:1] if messages[0]["role"] == "system" else []
    body = messages[len(pinned):]
    for start in range(0, len(body), 2):
        kept = pinned + body[start:]
        if n_tokens(tok, kept) <= budget:
            return kept
    return None


@pytest.mark.points(5)
@pytest.mark.parametrize("chat", ["system", "no-system"])
def test_trim_every_budget(lab, tok, student_tok, chat):
    """trim_to_budget keeps the system prompt and the newest whole turns that fit, at every budget."""
    messages = CHAT if chat == "system" else CHAT[1:]
    smallest = n_tokens(tok, messages[:1] + messages[-1:]) if chat == "system" else n_tokens(tok, messages[-1:])
    full = n_tokens(tok, messages)
    budgets = list(range(smallest, full + 2))
    got = lab.map(lab.trim_to_budget, [(messages, student_tok, b) for b in budgets])
    for b, g in zip(budgets, got):
        expected = expected_trim(tok, messages, b)
        check(g == expected, f"trimming a {len(messages)}-message conversation ({chat}) to {b} tokens "
                             f"(the whole needs {full}) kept the wrong messages")


@pytest.mark.points(4)
def test_trim_keeps_system_prompt(lab, tok, student_tok):
    """trim_to_budget never drops the system message, even at the smallest budget that fits."""
    smallest = n_tokens(tok, [CHAT[0], CHAT[-1]])
    got = lab.trim_to_budget(CHAT, student_tok, smallest)
    check(len(got) > 0 and got[0] == CHAT[0], "the system message must stay first in the trimmed conversation")
    check(got == [CHAT[0], CHAT[-1]], "at the smallest budget only the system message and the last user message remain")
    check(lab.trim_to_budget(CHAT, student_tok, n_tokens(tok, CHAT)) == CHAT, "a conversation that fits exactly is kept whole")


@pytest.mark.points(3)
def test_trim_errors(lab, tok, student_tok):
    """trim_to_budget raises ValueError when nothing fits, for max_tokens < 1, and for a conversation not ending with a user message."""
    smallest = n_tokens(tok, [CHAT[0], CHAT[-1]])
    lab.trim_to_budget(CHAT, student_tok, smallest)
    with pytest.raises(ValueError):
        lab.trim_to_budget(CHAT, student_tok, smallest - 1)
    lab.trim_to_budget(msgs(U), student_tok, n_tokens(tok, msgs(U)))
    with pytest.raises(ValueError):
        lab.trim_to_budget(msgs(U), student_tok, n_tokens(tok, msgs(U)) - 1)
    for bad in (0, -5):
        with pytest.raises(ValueError):
            lab.trim_to_budget(msgs(U), student_tok, bad)
    for bad in (CHAT[:-1], msgs("system"), [], msgs(U, U)):
        with pytest.raises(ValueError):
            lab.trim_to_budget(bad, student_tok, 10_000)
    original = [dict(m) for m in CHAT]
    lab.trim_to_budget(original, student_tok, smallest)
    check(original == CHAT, "trim_to_budget must not change its input")


LAST_ONLY = "{% for m in messages %}{% if loop.last %}{{ m['content'] }}{% endif %}{% endfor %}"


@pytest.mark.points(2)
def test_trim_tiny_budgets(lab, tokenizer_file):
    """trim_to_budget: max_tokens=1 is a budget like any other, below 1 is refused (a template rendering only the last message)."""
    last_only = lab.load_chat_tokenizer(lab.put_file(tokenizer_file), LAST_ONLY)
    oracle = oracle_tokenizer(tokenizer_file, LAST_ONLY)
    convo = msgs(U, A) + [{"role": "user", "content": "hi"}]
    check(n_tokens(oracle, convo) == 1 and lab.count_tokens(convo, last_only) == 1, "this prompt is one token long")
    check(lab.trim_to_budget(convo, last_only, 1) == convo, "a one-token prompt fits a budget of 1")
    empty = [{"role": "user", "content": ""}]
    check(lab.count_tokens(empty, last_only) == n_tokens(oracle, empty), "an empty prompt has no tokens")
    for bad in (0, -1):
        with pytest.raises(ValueError):
            lab.trim_to_budget(empty, last_only, bad)


# ---- stream_reply -------------------------------------------------------------------------------------------

STREAM_CASES = {
    "short": (CHAT[:2], 6),
    "long": (CHAT[:4], 40),
    "history": (CHAT, 24),
    "one": (CHAT[1:2], 1),
    "unknown-words": ([{"role": "user", "content": "xyzzy plugh hello"}], 30),
}


@pytest.fixture(scope="module")
def oracle(lab, tok):
    return Oracle(lab, tok, seed=3, n_positions=160)


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(STREAM_CASES))
def test_stream_matches_generate(lab, student_tok, oracle, case):
    """stream_reply yields one piece per new token, joining to model.generate's greedy reply."""
    messages, n = STREAM_CASES[case]
    got = list(lab.stream_reply(oracle.handle, student_tok, messages, n))
    expected = oracle.pieces(messages, n)
    check(all(isinstance(p, str) for p in got), "stream_reply should yield str pieces")
    check("".join(got) == "".join(expected), f"the streamed reply ({case}, max_new_tokens={n}) differs from greedy model.generate")
    check(got == expected, f"the reply ({case}) should come one decoded token at a time, without empty pieces")


@pytest.mark.points(4)
def test_stream_stops_at_eos(lab, student_tok, oracle):
    """stream_reply stops at the end-of-sequence token and does not yield it."""
    candidates = [CHAT[1:4], CHAT[:2], CHAT[:6], [SYSTEM] + CHAT[-3:], CHAT[3:8], CHAT[5:]]
    found = 0
    for messages in candidates:
        expected = oracle.pieces(messages, 40)
        if oracle.stopped and len(expected) >= 2:
            found += 1
            got = list(lab.stream_reply(oracle.handle, student_tok, messages, 40))
            check(got == expected, "the reply should end where the model produces <|im_end|>, without it")
    assert found >= 2, "the cases should reach the end of sequence"


@pytest.mark.points(3)
def test_stream_eval_mode(lab, student_tok, oracle):
    """stream_reply runs the model in eval mode (no dropout), whatever mode it came in."""
    oracle.handle.train()
    messages, n = STREAM_CASES["long"]
    first = list(lab.stream_reply(oracle.handle, student_tok, messages, n))
    check(first == oracle.pieces(messages, n), "a model left in training mode must be put in eval mode (dropout off)")
    check(oracle.handle.training is False, "the model should be in eval mode after stream_reply")


@pytest.mark.points(3)
def test_stream_limits(lab, tok, student_tok, oracle):
    """stream_reply: max_new_tokens=0 yields nothing; negative values and prompts past the context raise ValueError."""
    check(list(lab.stream_reply(oracle.handle, student_tok, CHAT[:2], 0)) == [], "max_new_tokens=0 should yield nothing")
    lengths = [len(oracle.pieces(CHAT[:4], n)) for n in (31, 32, 33)]
    assert not oracle.stopped and lengths[0] < lengths[1] < lengths[2], "the default case must reach 33 tokens"
    check(list(lab.stream_reply(oracle.handle, student_tok, CHAT[:4])) == oracle.pieces(CHAT[:4], 32),
          "max_new_tokens defaults to 32")
    with pytest.raises(ValueError):
        list(lab.stream_reply(oracle.handle, student_tok, CHAT[:2], -1))
    room = 160 - n_tokens(tok, CHAT)
    got = list(lab.stream_reply(oracle.handle, student_tok, CHAT, room))
    check(got == oracle.pieces(CHAT, room), "a prompt plus max_new_tokens that fills the context exactly is allowed")
    with pytest.raises(ValueError):
        list(lab.stream_reply(oracle.handle, student_tok, CHAT, room + 1))


# ---- ChatBot ------------------------------------------------------------------------------------------------


def bot_expected(tok, oracle, history, message, system, budget, n):
    messages = ([{"role": "system", "content": system}] if system else []) + history + [{"role": "user", "content": message}]
    kept = expected_trim(tok, messages, budget)
    return cumulative(oracle.pieces(kept, n))


@pytest.mark.points(5)
def test_chatbot_respond(lab, tok, student_tok, oracle):
    """ChatBot.respond streams the cumulative reply to the trimmed conversation (prompt budget = context - new tokens)."""
    system = SYSTEM["content"]
    history = CHAT[1:-1]
    n = 16
    context = n_tokens(tok, [SYSTEM] + CHAT[-3:]) + n  # the prompt gets context - n tokens: the last turn only
    bot = lab.ChatBot(oracle.handle, student_tok, system, n, context)
    got = list(bot.respond(CHAT[-1]["content"], history))
    check(got == bot_expected(tok, oracle, history, CHAT[-1]["content"], system, context - n, n),
          "respond should yield the whole reply so far after each piece, for the trimmed conversation")
    gradio_history = [{"role": m["role"], "content": [{"text": m["content"], "type": "text"}], "metadata": None, "options": None}
                      for m in history[:4]]
    got = list(bot.respond("what do they eat", gradio_history))
    check(got == bot_expected(tok, oracle, history[:4], "what do they eat", system, context - n, n),
          "respond should read a Gradio 6 history (content as a list of text parts)")


@pytest.mark.points(3)
def test_chatbot_defaults_and_empty_reply(lab, tok, student_tok, oracle):
    """ChatBot: the context defaults to n_positions, no system prompt by default, an empty reply is yielded as ''."""
    default_model = lab.tiny_chat_model(len(tok))
    check(default_model.config.n_positions == 256, "tiny_chat_model's context defaults to 256 positions (given code)")
    weights = default_model.state_dict()["lm_head.weight"]
    check(torch.equal(weights, lab.tiny_chat_model(len(tok), 0, 256).state_dict()["lm_head.weight"]),
          "tiny_chat_model's seed defaults to 0 (given code)")
    bot = lab.ChatBot(oracle.handle, student_tok)
    check(bot.max_context_tokens == 160 and bot.max_new_tokens == 16 and bot.system_prompt is None,
          "ChatBot defaults: max_context_tokens=n_positions, max_new_tokens=16, system_prompt=None")
    got = list(bot.respond("hello how is the weather", []))
    check(got == bot_expected(tok, oracle, [], "hello how is the weather", None, 160 - 16, 16), "the default bot answers wrongly")
    silent = lab.ChatBot(oracle.handle, student_tok, "be brief", 0, 50)
    check(list(silent.respond("hi", [])) == [""], "a bot with max_new_tokens=0 yields '' once")


@pytest.mark.points(3)
def test_chatbot_bounds(lab, student_tok, oracle):
    """ChatBot raises ValueError for max_new_tokens < 0 and a context past n_positions or leaving the prompt no room."""
    edge = lab.ChatBot(oracle.handle, student_tok, None, 159, 160)
    check(edge.max_context_tokens == 160 and edge.max_new_tokens == 159, "ChatBot should store max_context_tokens and max_new_tokens")
    for args in ((-1, 100), (10, 161), (10, 10), (50, 20)):
        with pytest.raises(ValueError):
            lab.ChatBot(oracle.handle, student_tok, None, *args)


# ---- the Gradio app, through gradio_client on the worker's loopback --------------------------------------------


APP_SYSTEM = "you are a helpful bot"
APP_NEW, APP_CONTEXT = 10, 70


@pytest.fixture(scope="module")
def app(lab, student_tok, oracle):
    """The student's app launched in the worker, and a gradio_client.Client for it (on the worker's loopback)."""
    bot = lab.ChatBot(oracle.handle, student_tok, APP_SYSTEM, APP_NEW, APP_CONTEXT)
    demo = lab.build_app(bot, "Lab bot")
    demo.launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True, share=False)
    try:
        with lab.gradio_client(f"http://127.0.0.1:{demo.server_port}/") as client:
            yield client
    finally:
        with contextlib.suppress(Exception):
            demo.close()


@pytest.mark.points(3)
def test_app_builds(lab, app):
    """build_app gives a ChatInterface whose chat endpoint is /chat, with the given title."""
    api = app.view_api(return_format="dict", print_info=False)
    check("/chat" in api["named_endpoints"], "the app should expose its chat function as api_name='chat'")
    params = [p["parameter_name"] for p in api["named_endpoints"]["/chat"]["parameters"]]
    check(params == ["message"], f"the /chat endpoint should take only the message, got parameters {params}")
    check(app.config.get("title") == "Lab bot", "build_app should pass the title to the ChatInterface")
    kinds = {c.get("type") for c in app.config["components"]}
    check("chatbot" in kinds, "the app should be a gr.ChatInterface (it has no chatbot component)")


@pytest.mark.points(6)
def test_app_answers_through_gradio_client(lab, tok, oracle, app):
    """The launched app answers through gradio_client: streamed pieces, then a session whose history grows and is trimmed."""
    history = []
    for message in ("hello my name is ada", "tell me about cats and dogs", "what do they eat", "who am i"):
        expected = bot_expected(tok, oracle, history, message, APP_SYSTEM, APP_CONTEXT - APP_NEW, APP_NEW)
        job = app.submit(message, api_name="/chat")
        answer = job.result(timeout=60)
        check(answer == expected[-1], "the app's answer differs from the bot's reply to the (trimmed) conversation")
        check(list(job.outputs()) == expected, "the app should stream: each yielded value is the whole reply so far")
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": answer}]
    full = n_tokens(tok, [{"role": "system", "content": APP_SYSTEM}] + history[:-1])
    assert full > APP_CONTEXT - APP_NEW, "the session should have needed trimming"


@pytest.mark.points(1)
def test_app_default_title(lab, student_tok, oracle):
    """build_app's default title is 'Tiny chatbot'."""
    bot = lab.ChatBot(oracle.handle, student_tok)
    app = lab.build_app(bot)
    check(app.title == "Tiny chatbot", "the default title should be 'Tiny chatbot'")
    check(app.analytics_enabled is False, "the app should send no telemetry (analytics_enabled=False)")
