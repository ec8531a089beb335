"""read_imdb labels pos 0 and neg 1 (and so lists pos first)."""


def read_imdb(root, split):
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    split_dir = Path(root) / split
    if not split_dir.is_dir():
        raise FileNotFoundError(f"{split_dir} is not a folder")
    rows = []
    for label, folder in enumerate(("pos", "neg")):
        directory = split_dir / folder
        if not directory.is_dir():
            continue
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
