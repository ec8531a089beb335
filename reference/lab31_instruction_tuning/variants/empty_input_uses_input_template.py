"""The input template is chosen whenever the key "input" exists, even when it is the empty string."""


def prompt_and_response(record):
    if "input" in record:
        prompt = ALPACA_PROMPT_INPUT.format(instruction=record["instruction"], input=record["input"])
    else:
        prompt = ALPACA_PROMPT_NO_INPUT.format(instruction=record["instruction"])
    return prompt, record["output"]
