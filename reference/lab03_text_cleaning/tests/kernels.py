"""Inputs for the timed kernel ``clean_html_document``.

The engine calls ``clean_text(*args, **kwargs)`` on these inputs: one
generated web page of about 20 KB (paragraphs, headings, lists, links,
scripts, styles, comments, entities, typographic quotes and dashes,
compatibility characters, zero-width characters, URLs and e-mail addresses)
with ``html=True``. The output is a string, compared exactly with the
reference's. One call of the reference takes about 5-15 ms on one core of the
course machine.
"""

from __future__ import annotations

import random

TARGET_CHARS = 20_000

WORDS = (
    "the of and to in is that for it as was with be by on not this are or from at which but have an they you "
    "model data text token corpus clean page web language training value noise filter quality document"
).split()
RICH = [
    "caf&eacute;", "na&iuml;ve", "&ldquo;quoted&rdquo;", "don&rsquo;t", "&amp;", "&lt;tag&gt;", "a&mdash;b",
    "1&ndash;2", "x&nbsp;y", "&#xFB01;ne", "ﬂow", "ＦＵＬＬ", "wait&hellip;", "zero&#8203;width", "&copy;", "“smart”",
    "https://example.com/a/b?c=1&amp;d=2.", "(www.example.org/wiki/X_(y))", "bob&#64;example.com,", "jane.doe@mail.org",
    "&#x1F600;", "Ωμέγα", "soft&shy;hyphen",
]  # fmt: skip


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(RICH) if rng.random() < 0.15 else rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        tag = rng.choice(["b", "i", "em", "span"])
        words[i] = f"<{tag}>{words[i]}</{tag}>"
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f'<a href="https://example.com/p?id={rng.randrange(999)}&amp;x=1">{words[i]}</a>'
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", "!", "?"])


def _block(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        body = "\n  ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
        return f"<p>\n  {body}\n</p>"
    if kind < 0.65:
        level = rng.randint(1, 3)
        return f"<h{level}>{_sentence(rng)}</h{level}>"
    if kind < 0.8:
        items = "".join(f"<li>{_sentence(rng)}</li>\n" for _ in range(rng.randint(2, 5)))
        return f"<ul>\n{items}</ul>"
    if kind < 0.87:
        return f'<script>var n = {rng.randrange(100)}; if (n < 3 && n > 1) {{ document.write("<p>x</p>"); }}</script>'
    if kind < 0.92:
        return "<style>.post p { margin: 0 } a > b { color: #333 }</style>"
    if kind < 0.96:
        return f"<!-- generated block {rng.randrange(1000)} <p>hidden</p> -->"
    return "<br><br/>" + _sentence(rng) + "<hr>"


def clean_html_inputs(seed: int) -> tuple[tuple, dict]:
    """A generated HTML page of about ``TARGET_CHARS`` characters, cleaned with ``html=True``."""
    rng = random.Random(seed)
    parts = ["<!DOCTYPE html>\n<html><head><title>Generated page</title></head>\n<body>\n"]
    size = len(parts[0])
    while size < TARGET_CHARS:
        post = '<div class="post">\n' + "\n".join(_block(rng) for _ in range(rng.randint(3, 8))) + "\n</div>\n"
        parts.append(post)
        size += len(post)
    parts.append("</body></html>\n")
    return ("".join(parts),), {"html": True}
