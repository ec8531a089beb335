"""stream_reply does not stop at the end-of-sequence token (it is only hidden by skip_special_tokens)."""
# ruff: noqa: F821 (appended to chatbot.py, whose names it uses)


def stream_reply(model, tokenizer, messages, max_new_tokens=32):
    if max_new_tokens < 0:
        raise ValueError("max_new_tokens must be >= 0")
    prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    ids = tokenizer.encode(prompt, add_special_tokens=False)
    if len(ids) + max_new_tokens > model.config.n_positions:
        raise ValueError("the prompt and the reply exceed the context")
    model.eval()
    reply, text = [], ""
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = int(model(input_ids=torch.tensor([ids + reply])).logits[0, -1].argmax())
            reply.append(token)
            new_text = tokenizer.decode(reply, skip_special_tokens=True)
            if len(new_text) > len(text):
                yield new_text[len(text):]
                text = new_text
