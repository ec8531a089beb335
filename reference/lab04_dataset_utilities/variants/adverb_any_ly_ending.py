"""passive_phrases takes every word ending in "ly" as an adverb, also the 3-letter "sly", "fly" and "ply"."""


def _is_adverb(word):
    return word in ADVERBS or word.endswith("ly")
