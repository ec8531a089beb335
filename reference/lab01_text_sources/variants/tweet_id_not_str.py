"""parse_tweets_page copies the tweet's "id" as it is: an integer id stays an int (Document.id is always a str)."""

_reference_parse_tweets_page = parse_tweets_page


def parse_tweets_page(page):
    page = _page_object(page)
    documents = _reference_parse_tweets_page(page)
    for document, tweet in zip(documents, page.get("data") or []):
        document.id = tweet["id"]
    return documents
