"""collect_tweets keeps the ids it has seen in a module-level set, so a second call skips every tweet of the first."""

_SEEN_IDS = set()


def collect_tweets(pages):
    documents, followed, token = [], set(), ""
    while True:
        if token not in pages:
            raise MalformedSourceError(f"no page for pagination token {token!r}")
        followed.add(token)
        page = _page_object(pages[token])
        for document in parse_tweets_page(page):
            if document.id not in _SEEN_IDS:
                _SEEN_IDS.add(document.id)
                documents.append(document)
        token = (page.get("meta") or {}).get("next_token") or ""
        if not token:
            return documents
        if token in followed:
            raise MalformedSourceError(f"pagination token {token!r} came back")
