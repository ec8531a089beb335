"""The audit record's pii entries keep the matched text: the log stores the very PII it should protect."""

_check_ok = OutputMonitor.check


def _check_leaky(self, output, request_id):
    result = _check_ok(self, output, request_id)
    with open(self.log_path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    record = json.loads(lines[-1])
    record["pii"] = [{"kind": m["kind"], "start": m["start"], "end": m["end"], "text": m["text"]} for m in find_pii(output)]
    lines[-1] = json.dumps(record)
    with open(self.log_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return result


OutputMonitor.check = _check_leaky
