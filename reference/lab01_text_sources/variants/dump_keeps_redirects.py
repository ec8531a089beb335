"""Redirect pages (with a ``<redirect>`` element) are not skipped; only the namespace is checked."""


def _page_document(page):
    if (_child_text(page, "ns") or "").strip() != "0":
        return None
    revision = _child(page, "revision")
    return Document(
        id=_child_text(page, "id") or "",
        title=_child_text(page, "title") or "",
        text=wikitext_to_text(_child_text(revision, "text") or ""),
        source="wikipedia",
        metadata={"revision_id": _child_text(revision, "id"), "timestamp": _child_text(revision, "timestamp")},
    )
