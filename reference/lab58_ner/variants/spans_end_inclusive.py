"""BIO spans with an inclusive end (seqeval's get_entities convention) instead of the exclusive end of the docstring."""

_reference_bio_to_spans = bio_to_spans


def bio_to_spans(tags, *, strict=False):
    return [(label, start, end - 1) for label, start, end in _reference_bio_to_spans(tags, strict=strict)]
