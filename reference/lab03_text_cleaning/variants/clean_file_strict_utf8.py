"""clean_file opens the input as strict UTF-8 (no errors="replace"): a file with invalid bytes raises UnicodeDecodeError."""

_reference_clean_file = clean_file


def clean_file(src_path, dst_path):
    with open(src_path, "rb") as f:
        f.read().decode("utf-8")  # strict: raises on invalid bytes (as reading the text file would)
    return _reference_clean_file(src_path, dst_path)
