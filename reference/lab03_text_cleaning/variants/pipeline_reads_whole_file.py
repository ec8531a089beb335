"""clean_file reads the whole input into memory, cleans it with one clean_text call
and writes the result: correct output, but memory grows with the file."""


def clean_file(src_path, dst_path):
    with open(src_path, encoding="utf-8", errors="replace") as src:
        text = src.read()
    lines_in = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    cleaned = clean_text(text)
    output = cleaned + "\n" if cleaned else ""
    with open(dst_path, "w", encoding="utf-8", newline="\n") as dst:
        dst.write(output)
    return {
        "lines_in": lines_in,
        "lines_out": output.count("\n"),
        "bytes_in": os.path.getsize(src_path),
        "bytes_out": os.path.getsize(dst_path),
    }
