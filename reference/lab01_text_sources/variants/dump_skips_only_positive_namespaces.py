"""iter_wikipedia_dump skips pages whose namespace number is positive, keeping the virtual namespaces -1 and -2."""


def _page_document(page):
    if int((_child_text(page, "ns") or "0").strip()) > 0 or _child(page, "redirect") is not None:
        return None
    revision = _child(page, "revision")
    return Document(
        id=_child_text(page, "id") or "",
        title=_child_text(page, "title") or "",
        text=wikitext_to_text(_child_text(revision, "text") or ""),
        source="wikipedia",
        metadata={"revision_id": _child_text(revision, "id"), "timestamp": _child_text(revision, "timestamp")},
    )
