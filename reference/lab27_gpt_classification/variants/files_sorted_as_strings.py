"""read_imdb orders the files of a folder by name as strings ("10_1.txt" before "2_3.txt"), not by numeric id."""


def read_imdb(root, split):
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    split_dir = Path(root) / split
    if not split_dir.is_dir():
        raise FileNotFoundError(f"{split_dir} is not a folder")
    texts, labels, ratings = [], [], []
    for label, folder in enumerate(LABEL_NAMES):
        directory = split_dir / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir(), key=lambda p: p.name):
            if not path.is_file():
                continue
            try:
                _, rating = parse_review_filename(path.name)
            except ValueError:
                continue
            texts.append(clean_review(path.read_text(encoding="utf-8")))
            labels.append(label)
            ratings.append(rating)
    return texts, labels, ratings
