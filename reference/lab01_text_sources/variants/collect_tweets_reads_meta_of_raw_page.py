"""collect_tweets reads meta.next_token from pages[token] as given, so a page given as JSON text or bytes breaks it."""


def collect_tweets(pages):
    documents, seen, followed, token = [], set(), set(), ""
    while True:
        if token not in pages:
            raise MalformedSourceError(f"no page for pagination token {token!r}")
        followed.add(token)
        page = pages[token]
        for document in parse_tweets_page(page):
            if document.id not in seen:
                seen.add(document.id)
                documents.append(document)
        token = (page.get("meta") or {}).get("next_token") or ""
        if not token:
            return documents
        if token in followed:
            raise MalformedSourceError(f"pagination token {token!r} came back")
