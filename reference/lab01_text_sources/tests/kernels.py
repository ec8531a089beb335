"""Inputs for the timed kernel ``dump_pages``.

The engine calls ``dump_statistics(xml_bytes)`` on a plain (uncompressed)
MediaWiki export of ``PAGES`` pages held in memory: articles with every kind
of markup, plus redirects and talk pages. Plain XML keeps bz2
decompression (the same C code for everybody) out of the timing, so the
ratio measures the student's parsing and wikitext cleaning: pages per
second. One call of the reference takes about 5-15 ms on one CPU core
(14 ms on the shared course machine under heavy load).
"""

from __future__ import annotations

import html
import random

PAGES = 80

SNIPPETS = [
    "'''{w}''' is a [[{w} (place)|{w}]] in [[{W}]].",
    "{{{{Infobox|name={w}|area={{{{convert|{n}|km2}}}}|ref=<ref>{{{{cite|{w}}}}}</ref>}}}}",
    "It was founded in {n}.<ref name=\"{w}\"/> The [[{w}]] grew.<ref>A source, p. {n}.</ref>",
    "[[File:{W}.jpg|thumb|The [[{w}]] in {n}]]",
    "== {W} ==",
    "=== ''{W}'' history ===",
    "{{| class=\"wikitable\"\n|-\n! Year !! {W}\n|-\n| {n} || {n}\n|}}",
    "<!-- {w} -->Some ''{w}'' and '''{w}''' text<br/> with <small>{w}</small>.",
    "* [[{W}|{w}]]\n* [[{w}]]s",
    "[[Category:{W}]] [[Category:{W} in {n}]]",
]
WORDS = "harbour lighthouse island ferry river stone bell rock north wind tide gull mill orchard".split()


def _wikitext(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(6, 14)):
        if rng.random() < 0.5:
            parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))).capitalize() + ".")
        else:
            w = rng.choice(WORDS)
            parts.append(rng.choice(SNIPPETS).format(w=w, W=w.capitalize(), n=rng.randint(1000, 2024)))
    return "\n\n".join(parts)


def _page(title: str, ns: int, page_id: int, wikitext: str, redirect: str | None) -> str:
    red = f'    <redirect title="{html.escape(redirect)}" />\n' if redirect else ""
    return (
        f"  <page>\n    <title>{html.escape(title)}</title>\n    <ns>{ns}</ns>\n    <id>{page_id}</id>\n{red}"
        f"    <revision>\n      <id>{page_id + 10**6}</id>\n      <timestamp>2024-01-01T00:00:00Z</timestamp>\n"
        f"      <contributor>\n        <username>Bot</username>\n        <id>7</id>\n      </contributor>\n"
        f'      <model>wikitext</model>\n      <format>text/x-wiki</format>\n      <text bytes="{len(wikitext)}" '
        f'xml:space="preserve">{html.escape(wikitext, quote=False)}</text>\n    </revision>\n  </page>\n'
    )


def dump_inputs(seed: int) -> tuple[tuple, dict]:
    """An export-0.11 dump of PAGES pages, as bytes (about 0.15 MB)."""
    rng = random.Random(seed)
    pages = []
    for i in range(PAGES):
        kind = rng.random()
        title = f"{rng.choice(WORDS).capitalize()} {i}"
        if kind < 0.1:
            pages.append(_page(title, 0, i, f"#REDIRECT [[{rng.choice(WORDS)}]]", redirect=rng.choice(WORDS)))
        elif kind < 0.2:
            pages.append(_page(f"Talk:{title}", 1, i, _wikitext(rng), None))
        else:
            pages.append(_page(title, 0, i, _wikitext(rng), None))
    xml = (
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">\n'
        "  <siteinfo>\n    <sitename>Wikipedia</sitename>\n  </siteinfo>\n" + "".join(pages) + "</mediawiki>\n"
    )
    return (xml.encode("utf-8"),), {}
