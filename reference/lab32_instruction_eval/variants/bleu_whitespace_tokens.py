"""BLEU splits on whitespace only instead of using the 13a tokenizer (punctuation stays glued to words)."""


def _tokenize_13a(line):
    return line.split()
