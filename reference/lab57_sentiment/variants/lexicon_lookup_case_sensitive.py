"""Tokens are looked up in the lexicon as written: 'Good' and 'GREAT' carry no valence."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

_reference_token_valences = token_valences


def token_valences(tokens, lexicon):
    out = _reference_token_valences(tokens, lexicon)
    return [v if t in lexicon else 0.0 for t, v in zip(tokens, out)]
