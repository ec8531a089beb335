"""The Ollama clients drop the content of the last streamed line (the one with "done": true)."""


def _read_ndjson(field):
    def read(response):
        parts = []
        for raw in response:
            if not raw.strip():
                continue
            line = _json_line(raw)
            if "error" in line:
                raise JudgeClientError(str(line["error"]))
            if line.get("done"):
                return "".join(parts)
            parts.append(field(line))
        raise _NoReply("the stream ended before its done line")

    return read
