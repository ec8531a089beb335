"""The file is copied before the duplicate check: a rejected duplicate overwrites the earlier copy."""


def log_artifact(db_path, run_id, src_path, artifact_root):
    src = Path(src_path)
    if not src.is_file():
        raise FileNotFoundError(f"no file {src_path!r}")
    name = src.name
    dest = Path(artifact_root) / run_id / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    with _transaction(db_path) as conn:
        _require_run(conn, run_id)
        if conn.execute("SELECT 1 FROM artifacts WHERE run_id = ? AND name = ?", (run_id, name)).fetchone():
            raise ValueError(f"run {run_id} already has an artifact {name!r}")
        digest, size = sha256_file(str(dest)), dest.stat().st_size
        conn.execute("INSERT INTO artifacts (run_id, name, sha256, size) VALUES (?, ?, ?, ?)",
                     (run_id, name, digest, size))
    return {"name": name, "sha256": digest, "size": size, "path": str(dest)}
