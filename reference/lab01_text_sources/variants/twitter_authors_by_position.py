"""Authors are paired with tweets by position (zip of data and includes.users), not by author_id."""

_parse_tweets_page_reference = parse_tweets_page


def parse_tweets_page(page):
    documents = _parse_tweets_page_reference(page)
    users = (_page_object(page).get("includes") or {}).get("users") or []
    for i, document in enumerate(documents):
        author = users[i] if i < len(users) else {}
        document.metadata["username"] = author.get("username")
        document.metadata["name"] = author.get("name")
    return documents
