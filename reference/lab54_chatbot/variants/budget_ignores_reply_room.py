"""ChatBot.respond trims the prompt to the whole context, leaving no room for the reply's tokens."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def respond(self, message, history):
    messages = from_gradio(history, message, self.system_prompt)
    messages = trim_to_budget(messages, self.tokenizer, self.max_context_tokens)
    text = ""
    for piece in stream_reply(self.model, self.tokenizer, messages, self.max_new_tokens):
        text += piece
        yield text
    if not text:
        yield ""


ChatBot.respond = respond
