"""A passive detector that only looks at the word right after the auxiliary, so
"was quickly eaten" and "was not finished" are missed."""


def _is_adverb(word):
    return False
