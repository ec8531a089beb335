"""The Ollama clients skip an {"error": ...} line inside the stream instead of raising."""


def _read_ndjson(field):
    def read(response):
        parts = []
        for raw in response:
            if not raw.strip():
                continue
            line = _json_line(raw)
            if "error" in line:
                continue
            parts.append(field(line))
            if line.get("done"):
                return "".join(parts)
        raise _NoReply("the stream ended before its done line")

    return read
