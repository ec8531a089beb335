"""Build the bundled example class under examples/class/ from the course itself.

- alice.zip: the reference solutions of every lab (expects full marks);
- bob/: the untouched stubs (expects zero);
- carol/: a mix: some labs correct, some with one known-wrong variant applied,
  one lab with a function left as the stub.

The class covers the labs carol's mistakes name (:data:`CAROL`), so that
``make example`` stays a short demonstration. Run again after changing one
of them: ``python scripts/make_examples.py`` (``--out DIR``: write the class
into DIR instead; ``tests/test_examples.py`` checks that examples/class is
exactly what this script writes).
"""

from __future__ import annotations

import argparse
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
    """The example class's labs: those carol's mistakes name."""
    return sorted(CAROL)


def write_alice(out: Path) -> None:
    with zipfile.ZipFile(out / "alice.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for lab in labs():
            for name in lab_files(lab):
                src = REPO / "reference" / lab / "solution" / name
                info = zipfile.ZipInfo(f"alice/{lab}/{name}", date_time=(2026, 9, 1, 12, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, src.read_bytes())


def write_bob(out: Path) -> None:
    for lab in labs():
        for name in lab_files(lab):
            dest = out / "bob" / lab / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / "assignments" / lab / name, dest)


def write_carol(out: Path) -> None:
    for lab in labs():
        for name in lab_files(lab):
            dest = out / "carol" / lab / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            text = (REPO / "reference" / lab / "solution" / name).read_text()
            if name == f"{entry(lab)}.py":
                for variant in CAROL.get(lab, []):
                    body = (REPO / "reference" / lab / "variants" / f"{variant}.py").read_text()
                    body = re.sub(r'^"""(.|\n)*?"""\n', "", body, count=1)  # drop the variant's label
                    text += f"\n\n{body.strip()}\n"
            dest.write_text(text)


def write_class(out: Path) -> Path:
    """Write the example class into ``out`` (replacing what is there) and return it."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_alice(out)
    write_bob(out)
    write_carol(out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"the folder to write the class into (replaced; default: {OUT.relative_to(REPO)})")
    args = parser.parse_args(argv)
    print(f"wrote {write_class(args.out.resolve())}")


if __name__ == "__main__":
    main()
