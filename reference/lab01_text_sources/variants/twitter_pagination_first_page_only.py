"""Pagination stops after the first page: meta.next_token is never followed."""


def collect_tweets(pages):
    if "" not in pages:
        raise MalformedSourceError("no first page")
    documents, seen = [], set()
    for document in parse_tweets_page(pages[""]):
        if document.id not in seen:
            seen.add(document.id)
            documents.append(document)
    return documents
