"""A duplicate version is detected only after the artifacts were copied over the existing release."""

_reference_run_release = run_release


def run_release(root, version, artifacts, metrics, gates, tests=None, name="model"):
    if any(r["version"] == version for r in load_registry(root)["releases"]):
        folder = os.path.join(root, version)
        for file, path in artifacts.items():
            shutil.copyfile(path, os.path.join(folder, file))
    return _reference_run_release(root, version, artifacts, metrics, gates, tests, name)
