"""Build the bundled example class under examples/class/ from the course itself.

- alice.zip: the reference solutions of every lab (expects full marks);
- bob/: the untouched stubs (expects zero);
- carol/: a mix: some labs correct, some with one known-wrong variant applied,
  one lab with a function left as the stub.

Run again after changing a lab: ``python scripts/make_examples.py``.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "examples" / "class"

# carol's mistakes: lab -> variant names appended to the reference, or "stub:<function>"
CAROL = {
    "lab02_text_statistics": ["topk_off_by_one"],
    "lab09_ngram_lm": ["entropy_natural_log"],
    "lab15_self_attention": ["no_scaling"],
}


def lab_files(lab: str) -> list[str]:
    import tomllib

    return tomllib.loads((REPO / "reference" / lab / "manifest.toml").read_text())["files"]


def entry(lab: str) -> str:
    import tomllib

    return tomllib.loads((REPO / "reference" / lab / "manifest.toml").read_text())["entry"]


def labs() -> list[str]:
    return sorted(p.parent.name for p in (REPO / "reference").glob("lab*/manifest.toml"))


def write_alice() -> None:
    with zipfile.ZipFile(OUT / "alice.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for lab in labs():
            for name in lab_files(lab):
                src = REPO / "reference" / lab / "solution" / name
                info = zipfile.ZipInfo(f"alice/{lab}/{name}", date_time=(2026, 9, 1, 12, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, src.read_bytes())


def write_bob() -> None:
    for lab in labs():
        for name in lab_files(lab):
            dest = OUT / "bob" / lab / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / "assignments" / lab / name, dest)


def write_carol() -> None:
    for lab in labs():
        for name in lab_files(lab):
            dest = OUT / "carol" / lab / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            text = (REPO / "reference" / lab / "solution" / name).read_text()
            if name == f"{entry(lab)}.py":
                for variant in CAROL.get(lab, []):
                    body = (REPO / "reference" / lab / "variants" / f"{variant}.py").read_text()
                    body = re.sub(r'^"""(.|\n)*?"""\n', "", body, count=1)  # drop the variant's label
                    text += f"\n\n{body.strip()}\n"
            dest.write_text(text)


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    write_alice()
    write_bob()
    write_carol()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
