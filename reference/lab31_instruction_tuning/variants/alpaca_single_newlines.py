"""The Alpaca sections are separated by one newline instead of a blank line."""


def prompt_and_response(record):
    head = ALPACA_PROMPT_INPUT if record.get("input", "") != "" else ALPACA_PROMPT_NO_INPUT
    head = head.replace("\n\n### ", "\n### ")
    return head.format(instruction=record["instruction"], input=record.get("input", "")), record["output"]
