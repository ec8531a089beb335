"""openai_chat reads choices[0].text (the legacy completions field) instead of choices[0].message.content."""


def _read_completion(response):
    reply = _json_line(response.read())
    try:
        content = reply["choices"][0].get("text") or reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError, AttributeError):
        raise JudgeClientError("the reply has no choices[0].text") from None
    if not isinstance(content, str):
        raise JudgeClientError("not a string")
    return content
