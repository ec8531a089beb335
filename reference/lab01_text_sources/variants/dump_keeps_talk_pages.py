"""Talk, user and other non-article pages are kept: the ``<ns>`` is never checked."""


def _page_document(page):
    if _child(page, "redirect") is not None:
        return None
    revision = _child(page, "revision")
    return Document(
        id=_child_text(page, "id") or "",
        title=_child_text(page, "title") or "",
        text=wikitext_to_text(_child_text(revision, "text") or ""),
        source="wikipedia",
        metadata={"revision_id": _child_text(revision, "id"), "timestamp": _child_text(revision, "timestamp")},
    )
