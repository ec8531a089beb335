"""vocabulary_reduction lemmatizes every token as a noun, ignoring its tag, so verb
and adjective forms (running, ran, bigger) are not reduced and determiners go
through the noun rules."""


def vocabulary_reduction(tagged_tokens):
    tokens = [token for token, _ in tagged_tokens]
    return {
        "raw": len(set(tokens)),
        "lower": len({t.lower() for t in tokens}),
        "casefold": len({t.casefold() for t in tokens}),
        "stemmed": len({porter_stem(t.casefold()) for t in tokens}),
        "lemmatized": len({lemmatize(t, "NOUN") for t in tokens}),
    }
