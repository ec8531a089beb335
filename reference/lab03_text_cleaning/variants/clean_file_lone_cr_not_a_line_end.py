"""clean_file opens the input with newline="\\n": a lone "\\r" no longer ends a line, so lines_in is too small."""


def clean_file(src_path, dst_path):
    lines_in = lines_out = 0
    pending_blank = False
    with (
        open(src_path, encoding="utf-8", errors="replace", newline="\n") as src,
        open(dst_path, "w", encoding="utf-8", newline="\n") as dst,
    ):
        for line in src:
            lines_in += 1
            text = clean_text(line)
            if not text:
                pending_blank = pending_blank or lines_out > 0
                continue
            if pending_blank:
                dst.write("\n")
                lines_out += 1
            dst.write(text + "\n")
            lines_out += text.count("\n") + 1
            pending_blank = False
    return {
        "lines_in": lines_in,
        "lines_out": lines_out,
        "bytes_in": os.path.getsize(src_path),
        "bytes_out": os.path.getsize(dst_path),
    }
