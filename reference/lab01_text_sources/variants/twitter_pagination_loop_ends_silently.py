"""A pagination token that comes back ends the loop quietly instead of raising."""


def collect_tweets(pages):
    documents, seen_ids, followed, token = [], set(), set(), ""
    while token not in followed:
        if token not in pages:
            raise MalformedSourceError(f"no page for token {token!r}")
        followed.add(token)
        page = _page_object(pages[token])
        for document in parse_tweets_page(page):
            if document.id not in seen_ids:
                seen_ids.add(document.id)
                documents.append(document)
        token = (page.get("meta") or {}).get("next_token") or ""
        if not token:
            break
    return documents
