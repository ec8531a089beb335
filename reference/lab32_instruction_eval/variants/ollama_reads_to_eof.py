"""The Ollama clients read the body to its end instead of stopping at the done line (and accept a stream without one)."""


def _read_ndjson(field):
    def read(response):
        parts = []
        for raw in response:
            if not raw.strip():
                continue
            line = _json_line(raw)
            if "error" in line:
                raise JudgeClientError(str(line["error"]))
            parts.append(field(line))
        return "".join(parts)

    return read
