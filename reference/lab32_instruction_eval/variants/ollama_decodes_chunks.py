"""The Ollama clients decode each read(n) chunk separately and split it on newlines (a line or a UTF-8 character split across chunks breaks)."""


def _read_ndjson(field):
    def read(response):
        parts = []
        while True:
            chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not chunk:
                break
            for raw in chunk.decode("utf-8", errors="replace").split("\n"):
                if not raw.strip():
                    continue
                line = _json_line(raw.encode())
                if "error" in line:
                    raise JudgeClientError(str(line["error"]))
                parts.append(field(line))
                if line.get("done"):
                    return "".join(parts)
        raise _NoReply("the stream ended before its done line")

    return read
