"""The Alpaca prompt always uses the no-input template: the record's input is dropped."""


def prompt_and_response(record):
    return ALPACA_PROMPT_NO_INPUT.format(instruction=record["instruction"]), record["output"]
