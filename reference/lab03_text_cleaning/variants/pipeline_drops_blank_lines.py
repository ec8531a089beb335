"""clean_file cleans each line on its own and writes only the non-blank ones: it streams,
but the blank line between paragraphs is lost."""


def clean_file(src_path, dst_path):
    lines_in = lines_out = 0
    with open(src_path, encoding="utf-8", errors="replace") as src, open(dst_path, "w", encoding="utf-8") as dst:
        for line in src:
            lines_in += 1
            cleaned = clean_text(line)
            if cleaned:
                dst.write(cleaned + "\n")
                lines_out += 1
    return {
        "lines_in": lines_in,
        "lines_out": lines_out,
        "bytes_in": os.path.getsize(src_path),
        "bytes_out": os.path.getsize(dst_path),
    }
