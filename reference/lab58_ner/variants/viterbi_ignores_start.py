"""viterbi ignores the start scores."""

_reference_viterbi = viterbi


def viterbi(emissions, transitions, start=None):
    return _reference_viterbi(emissions, transitions)
