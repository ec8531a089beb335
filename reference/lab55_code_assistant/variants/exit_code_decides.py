"""The status comes from the exit code alone: a program that calls sys.exit(0) before its checks "passes"."""


def run_program(program, timeout=DEFAULT_TIMEOUT):
    if not timeout > 0:
        raise ValueError("timeout must be > 0")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "program.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(program)
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, path], cwd=folder, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            out, err = proc.communicate()
            return {"status": "timeout", "stdout": out.decode(), "stderr": err.decode(),
                    "seconds": time.monotonic() - start}
    stderr = err.decode("utf-8", errors="replace")
    status = "passed" if proc.returncode == 0 else "failed" if "AssertionError" in stderr else "error"
    return {"status": status, "stdout": out.decode("utf-8", errors="replace"), "stderr": stderr,
            "seconds": time.monotonic() - start}
