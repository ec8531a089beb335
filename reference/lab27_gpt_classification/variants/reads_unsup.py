"""read_imdb reads every sub-folder of the split: unsup/ reviews come in, labelled 0 like neg."""


def read_imdb(root, split):
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    split_dir = Path(root) / split
    if not split_dir.is_dir():
        raise FileNotFoundError(f"{split_dir} is not a folder")
    rows = []
    for directory in split_dir.iterdir():
        if not directory.is_dir():
            continue
        label = 1 if directory.name == "pos" else 0
        for path in directory.iterdir():
            if not path.is_file():
                continue
            try:
                review_id, rating = parse_review_filename(path.name)
            except ValueError:
                continue
            rows.append((label, review_id, rating, clean_review(path.read_text(encoding="utf-8"))))
    rows.sort(key=lambda row: row[:2])
    return [row[3] for row in rows], [row[0] for row in rows], [row[2] for row in rows]
