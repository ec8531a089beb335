"""Screenshots of what people read: a student's report, the class summary, the handouts.

    python scripts/screenshots.py [--grades grades/example] [--out screenshots]

Grades the example class first (timing off) when ``--grades`` has no
reports, builds the handouts site, checks every page for broken assets
(each ``src``/``href`` must be a ``data:`` URI, an anchor on the page, or a
relative file that exists: nothing from the network), then has headless
Chromium (Debian's ``chromium`` package) render each page to a PNG to look at.
Exits non-zero on a broken asset or a page Chromium could not render.
"""

from __future__ import annotations

import argparse
import html.parser
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class _Assets(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.refs.append(value)
            if name == "id" and value:
                self.ids.add(value)


def broken_assets(page: Path) -> list[str]:
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    broken = []
    for ref in parser.refs:
        if ref.startswith("data:"):
            continue
        target, _, anchor = ref.partition("#")
        if not target:
            if anchor not in parser.ids:
                broken.append(f"{page.name}: anchor #{anchor} not on the page")
        elif "://" in target or target.startswith("//"):
            broken.append(f"{page.name}: loads {ref} from the network")
        elif not (page.parent / target).exists():
            broken.append(f"{page.name}: {ref} does not exist")
    return broken


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    sys.exit("no chromium found: apt-get install chromium")


def screenshot(browser: str, page: Path, png: Path, height: int) -> None:
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}",
             f"--window-size=1280,{height}", f"--screenshot={png}", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120,
        )
    if proc.returncode != 0 or not png.is_file() or png.stat().st_size < 10_000:
        sys.exit(f"chromium could not render {page}:\n{proc.stderr[-2000:]}")


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--grades", type=Path, default=REPO / "grades" / "example")
    args.add_argument("--out", type=Path, default=REPO / "screenshots")
    opts = args.parse_args()
    autograder = [sys.executable, "-m", "autograder.cli"]
    if not list(opts.grades.glob("*/lab*.json")):
        subprocess.run([*autograder, "batch", str(REPO / "examples" / "class"), "--out", str(opts.grades), "--no-timing"], cwd=REPO, check=True)
    site = opts.out / "site"
    subprocess.run([*autograder, "handouts", "build", "--out", str(site)], cwd=REPO, check=True, capture_output=True)
    pages = {
        "report-carol-lab15.png": (opts.grades / "carol" / "lab15_self_attention.html", 2400),
        "report-alice-lab02.png": (opts.grades / "alice" / "lab02_text_statistics.html", 1400),
        "class-summary.png": (opts.grades / "summary.html", 2400),
        "handouts-index.png": (site / "index.html", 1400),
        "handout-lab15.png": (site / "lab15_self_attention.html", 2400),
    }
    problems = [b for page, _ in pages.values() for b in broken_assets(page)]
    problems += [b for page in site.glob("*.html") for b in broken_assets(page)]
    if problems:
        print("\n".join(problems))
        return 1
    browser = chromium()
    opts.out.mkdir(parents=True, exist_ok=True)
    for name, (page, height) in pages.items():
        screenshot(browser, page, opts.out / name, height)
        print(f"{opts.out / name}  <- {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
