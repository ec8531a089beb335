"""clean_file opens the destination in append mode: a second call with the same destination doubles the file."""

_reference_clean_file = clean_file


def clean_file(src_path, dst_path):
    previous = open(dst_path, "rb").read() if os.path.exists(dst_path) else b""
    stats = _reference_clean_file(src_path, dst_path)
    if previous:
        new = open(dst_path, "rb").read()
        with open(dst_path, "wb") as dst:
            dst.write(previous + new)
        stats["bytes_out"] = os.path.getsize(dst_path)
    return stats
