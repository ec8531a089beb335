"""collect_tweets stops only when "next_token" is absent from meta: a next_token of None or "" is followed as a token."""


def collect_tweets(pages):
    documents, seen, followed, token = [], set(), set(), ""
    while True:
        if token not in pages:
            raise MalformedSourceError(f"no page for pagination token {token!r}")
        followed.add(token)
        page = _page_object(pages[token])
        for document in parse_tweets_page(page):
            if document.id not in seen:
                seen.add(document.id)
                documents.append(document)
        meta = page.get("meta") or {}
        if "next_token" not in meta:
            return documents
        token = meta["next_token"]
        if token in followed:
            raise MalformedSourceError(f"pagination token {token!r} came back")
