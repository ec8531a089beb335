"""words() uses a letters-and-hyphens pattern without apostrophes: "don't" -> "don", "t"."""


def words(text):
    return [w.lower() for w in re.findall(r"[^\W_]+(?:-[^\W_]+)*", text)]
