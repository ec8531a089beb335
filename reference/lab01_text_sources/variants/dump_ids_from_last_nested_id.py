"""Ids are read by walking the whole page: every ``<id>`` overwrites the last one.

The page id becomes the contributor's id, and the revision id too.
"""


def _page_document(page):
    if (_child_text(page, "ns") or "").strip() != "0" or _child(page, "redirect") is not None:
        return None
    values = {}
    for elem in page.iter():
        values[_local(elem.tag)] = elem.text
    return Document(
        id=values.get("id") or "",
        title=values.get("title") or "",
        text=wikitext_to_text(values.get("text") or ""),
        source="wikipedia",
        metadata={"revision_id": values.get("id"), "timestamp": values.get("timestamp")},
    )
