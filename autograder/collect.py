"""``python -m autograder.collect TESTS_DIR``: print the hidden tests' ids and
points markers as one JSON line (run in a subprocess by ``validate``)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest


class Collector:
    def __init__(self) -> None:
        self.points: dict[str, float] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("points")
            self.points[item.nodeid] = float(marker.args[0]) if marker and marker.args else 0.0


def main(tests_dir: str) -> int:
    collector = Collector()
    with tempfile.TemporaryDirectory() as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n")
        code = pytest.main(
            [tests_dir, "--collect-only", "-q", "-c", str(ini), "--rootdir", tests_dir, "--noconftest",
             "-p", "no:cacheprovider", "-p", "autograder.plugin"],
            plugins=[collector],
        )
    if code != 0:
        return int(code)
    sys.stdout.write("\n" + json.dumps(collector.points) + "\n")
    return 0


if __name__ == "__main__":
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    sys.exit(main(sys.argv[1]))
