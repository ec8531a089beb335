"""clean_file reads blocks of lines but skips a block that cleans to nothing without remembering it.

When a run of blank lines fills whole blocks (very long blank lines), the
blank line between the paragraphs around it is lost.
"""


def clean_file(src_path, dst_path):
    lines_in = lines_out = 0
    pending_blank = False
    with (
        open(src_path, encoding="utf-8", errors="replace") as src,
        open(dst_path, "w", encoding="utf-8", newline="\n") as dst,
    ):
        for block in iter(lambda: src.readlines(_BLOCK_CHARS), []):
            lines_in += len(block)
            text = clean_text("".join(block))
            if not text:
                continue
            if lines_out and (pending_blank or not clean_text(block[0])):
                dst.write("\n")
                lines_out += 1
            dst.write(text + "\n")
            lines_out += text.count("\n") + 1
            pending_blank = not clean_text(block[-1])
    return {
        "lines_in": lines_in,
        "lines_out": lines_out,
        "bytes_in": os.path.getsize(src_path),
        "bytes_out": os.path.getsize(dst_path),
    }
