"""ChatBot.respond yields each new piece instead of the whole reply so far (Gradio shows only the last word)."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def respond(self, message, history):
    messages = from_gradio(history, message, self.system_prompt)
    messages = trim_to_budget(messages, self.tokenizer, self.max_context_tokens - self.max_new_tokens)
    empty = True
    for piece in stream_reply(self.model, self.tokenizer, messages, self.max_new_tokens):
        empty = False
        yield piece
    if empty:
        yield ""


ChatBot.respond = respond
