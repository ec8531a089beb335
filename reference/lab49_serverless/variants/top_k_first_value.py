"""Reads the first value of a repeated top_k instead of the last."""

_dispatch = dispatch


def dispatch(request: dict) -> tuple[int, Any, dict[str, str]]:
    query = dict(request["query"])
    if query.get("top_k"):
        query["top_k"] = query["top_k"][:1]
    return _dispatch({**request, "query": query})
