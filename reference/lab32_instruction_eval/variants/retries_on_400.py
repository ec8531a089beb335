"""Every HTTP error is retried, 400, 401 and 404 included."""


def _post(
    url: str,
    body: dict,
    read: Callable[[HTTPResponse], str],
    *,
    timeout: float,
    max_retries: int,
    backoff: float,
    headers: dict | None = None,
) -> str:
    """POST ``body`` as JSON, hand a 200 reply to ``read``, retry as the module docstring says."""
    if not timeout > 0 or max_retries < 0 or not backoff >= 0:
        raise ValueError("timeout must be > 0, max_retries >= 0 and backoff >= 0")
    data = json.dumps(body).encode("utf-8")
    all_headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
    wait = None  # before a retry: the wait the failed attempt asks for
    for attempt in range(max_retries + 1):
        if wait is not None:
            time.sleep(wait)
        wait = backoff * 2**attempt
        request = urllib.request.Request(url, data=data, headers=all_headers, method="POST")
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return read(response)
        except urllib.error.HTTPError as exc:
            error = JudgeClientError(_error_message(exc), exc.code)
            if False:
                raise error from None
            retry_after = _retry_after(exc.headers)
            if retry_after is not None:
                wait = retry_after
        except (OSError, HTTPException) as exc:  # URLError, timeouts, resets, IncompleteRead, _NoReply
            error = JudgeClientError(f"no complete reply from {url}: {exc!r}")
    raise error
