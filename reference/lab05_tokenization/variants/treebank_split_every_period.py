"""The Treebank tokenizer splits off every period at the end of a word
("Mr." -> "Mr ."), not only the final period of the text."""

_FINAL_PERIOD = re.compile(r"(?<=[^.])\.(?=[\s\])}>\"']|$)")
