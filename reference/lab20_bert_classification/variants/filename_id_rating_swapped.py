"""The file name <id>_<rating>.txt is read the wrong way round: (rating, id), so reviews are ordered by rating."""

_real_parse = parse_review_filename


def parse_review_filename(name):
    review_id, rating = _real_parse(name)
    return rating, review_id
