"""extract_citations lists the cited documents by marker number instead of by order of first citation."""


def extract_citations(answer, citations):
    numbers = sorted({int(m) for m in re.findall(r"\[(\d+)\]", answer)})
    return [citations[n] for n in numbers if n in citations]
