"""Reviews are sorted by file name as strings ("10_1.txt" before "2_3.txt"), not by numeric id."""


def read_imdb(archive, split):
    if split not in SPLITS:
        raise ValueError(split)
    rows = []
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) < 3 or parts[-3] != split or parts[-2] not in LABEL_NAMES:
                continue
            try:
                parse_review_filename(parts[-1])
            except ValueError:
                continue
            text = tar.extractfile(member).read().decode("utf-8").replace("<br />", " ")
            rows.append((LABEL_NAMES.index(parts[-2]), parts[-1], text))
    rows.sort(key=lambda row: row[:2])
    return [t for _, _, t in rows], [label for label, _, _ in rows]
