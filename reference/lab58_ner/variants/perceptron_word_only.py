"""The perceptron's only feature is the word itself: it memorises names and cannot tag unseen ones."""


def _features(tokens, i):
    return ["bias", f"w={tokens[i]}"]
