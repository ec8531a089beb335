"""read_imdb takes the rating from the wrong part of the name: the number before the underscore (the id)."""

_original_parse = parse_review_filename


def read_imdb(root, split):
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    split_dir = Path(root) / split
    if not split_dir.is_dir():
        raise FileNotFoundError(f"{split_dir} is not a folder")
    rows = []
    for label, folder in enumerate(LABEL_NAMES):
        directory = split_dir / folder
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if not path.is_file():
                continue
            try:
                review_id, _ = _original_parse(path.name)
            except ValueError:
                continue
            rows.append((label, review_id, review_id, clean_review(path.read_text(encoding="utf-8"))))
    rows.sort(key=lambda row: row[:2])
    return [row[3] for row in rows], [row[0] for row in rows], [row[2] for row in rows]
