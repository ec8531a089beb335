"""Public sanity checks for lab 54 (a chatbot).

Run with ``autograder test lab54_chatbot``. Passing these does not mean the
hidden tests pass: they compare your rendering and token counts with
``transformers``' ``apply_chat_template`` on several templates (whitespace
control, ``raise_exception``, loop controls, special tokens), trim at every
budget from "only the system prompt and the question fit" to "everything
fits", compare every streamed piece with ``model.generate`` (greedy, the
end-of-sequence token, a model handed over in training mode, the context
limit), and launch your app on 127.0.0.1 to talk to it with
``gradio_client`` over several turns of one session.
"""

from __future__ import annotations

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from autograder.testing import check

VOCAB_WORDS = "system user assistant be kind hi there what is two plus four six ok".split()


@pytest.fixture(scope="module")
def tokenizer(lab, tmp_path_factory):
    """Your load_chat_tokenizer on a small word-level tokenizer.json."""
    specials = ["<unk>", "<|im_start|>", "<|im_end|>"]
    table = {w: i for i, w in enumerate(specials + VOCAB_WORDS)}
    raw = Tokenizer(models.WordLevel(table, unk_token="<unk>"))
    raw.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    raw.add_special_tokens(specials)
    path = tmp_path_factory.mktemp("public") / "tokenizer.json"
    raw.save(str(path))
    return lab.load_chat_tokenizer(str(path))


def test_valid_conversation_is_copied(lab):
    """A system message followed by alternating user/assistant messages is valid."""
    convo = [{"role": "system", "content": "be kind"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hi there"}]
    check(lab.check_messages(convo) == convo, "check_messages should return an equal copy of a valid conversation")


def test_two_user_messages_rejected(lab):
    """Two user messages in a row break the alternation."""
    with pytest.raises(ValueError):
        lab.check_messages([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])


def test_chatml_rendering(lab):
    """ChatML wraps each message in <|im_start|>role ... <|im_end|>."""
    text = lab.render_chat([{"role": "user", "content": "what is two plus four"}], lab.CHATML_TEMPLATE, True)
    want = "<|im_start|>user\nwhat is two plus four<|im_end|>\n<|im_start|>assistant\n"
    check(text == want, f"got {text!r}")


def test_gradio_history(lab):
    """A Gradio 6 history (content as text parts) becomes plain messages after the system prompt."""
    history = [{"role": "user", "content": [{"type": "text", "text": "hi"}]}, {"role": "assistant", "content": "ok"}]
    got = lab.from_gradio(history, "six", "be kind")
    check([m["role"] for m in got] == ["system", "user", "assistant", "user"], f"roles: {[m['role'] for m in got]}")
    check(got[1]["content"] == "hi" and got[-1]["content"] == "six", f"contents: {[m['content'] for m in got]}")


def test_trim_keeps_system_and_question(lab, tokenizer):
    """A tight budget keeps the system prompt and the question, and drops the old turn."""
    convo = [
        {"role": "system", "content": "be kind"},
        {"role": "user", "content": "what is two plus four"},
        {"role": "assistant", "content": "six"},
        {"role": "user", "content": "ok"},
    ]
    budget = lab.count_tokens([convo[0], convo[-1]], tokenizer)
    kept = lab.trim_to_budget(convo, tokenizer, budget)
    check(kept == [convo[0], convo[-1]], f"kept roles {[m['role'] for m in kept]}")


def test_stream_and_chatbot(lab, tokenizer):
    """stream_reply yields str pieces; ChatBot.respond yields the growing reply."""
    model = lab.tiny_chat_model(len(tokenizer), 0, 64)
    convo = [{"role": "user", "content": "hi"}]
    pieces = list(lab.stream_reply(model, tokenizer, convo, 5))
    check(len(pieces) <= 5 and all(isinstance(p, str) and p for p in pieces), f"pieces: {pieces!r}")
    check(list(lab.stream_reply(model, tokenizer, convo, 0)) == [], "max_new_tokens=0 should yield nothing")
    bot = lab.ChatBot(model, tokenizer, "be kind", 5)
    replies = list(bot.respond("hi", []))
    check(replies[-1] == "".join(lab.stream_reply(model, tokenizer, [{"role": "system", "content": "be kind"}] + convo, 5)),
          "the bot's last yielded value should be the whole reply")


def test_app_builds(lab, tokenizer):
    """build_app returns a ChatInterface with the given title (not launched)."""
    bot = lab.ChatBot(lab.tiny_chat_model(len(tokenizer), 0, 64), tokenizer)
    check(lab.build_app(bot, "Hello").title == "Hello", "the app's title should be the one given")
