"""Build the bundled example class under examples/class/ from the course itself.

- alice.zip: the reference solutions of every lab (expects full marks);
- bob/: the untouched stubs (expects zero);
- carol/: a mix: some labs correct, some with one known-wrong variant applied,
  one lab with a function left as the stub.

Each student also answers quizzes (``quizzes/weekNN.toml``): alice every
question of :data:`QUIZZES` right (her drawn values included), bob week 1
with a few slips, carol week 2 partly. ``examples/capstone.csv`` and
``examples/participation.csv`` are the staff's files for the same class.

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


QUIZZES = ["week01", "week02"]
BOB_WEEK01 = {"unicode_length": "a", "zipf": "b", "text_challenges": ["a", "b", "d"], "type_token_ratio": "0.5",
              "corpus_bytes": "9000 MB", "sentence_boundary": "Full  Stop"}
CAROL_WEEK02 = {"jaccard": "0.1", "minhash_why": "b", "minhash_bands": 0.48, "html_cleaning": ["a", "b", "c", "e"], "nfkc": "d"}


def toml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def answer_file(quiz_id: str, answers: dict) -> str:
    return f"# {quiz_id}\n[answers]\n" + "".join(f"{qid} = {toml_value(v)}\n" for qid, v in answers.items())


def right_answers(quiz_id: str, student: str) -> dict:
    """Every question of the quiz answered right, for ``student``'s drawn values."""
    import sys

    sys.path.insert(0, str(REPO))
    from autograder import quizzes

    quiz = quizzes.load_quiz(REPO, quiz_id)
    out = {}
    for q in quiz.questions:
        key = quiz.keys[q.id]
        if q.type == "numeric" and "function" in key:
            fn = quizzes._key_function(REPO, key["function"], quiz_id)
            out[q.id] = round(float(fn(**quizzes.draw_params(quiz_id, q, student))), 6)
        elif q.type == "short":
            out[q.id] = {"sentence_boundary": "period", "passive_voice": "past participle"}.get(q.id, "")
        else:
            out[q.id] = key["answer"]
    return out


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
        for quiz_id in QUIZZES:
            info = zipfile.ZipInfo(f"alice/quizzes/{quiz_id}.toml", date_time=(2026, 9, 1, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, answer_file(quiz_id, right_answers(quiz_id, "alice")))


def write_bob(out: Path) -> None:
    for lab in labs():
        for name in lab_files(lab):
            dest = out / "bob" / lab / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / "assignments" / lab / name, dest)
    (out / "bob" / "quizzes").mkdir()
    (out / "bob" / "quizzes" / "week01.toml").write_text(answer_file("week01", BOB_WEEK01))


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
    (out / "carol" / "quizzes").mkdir()
    (out / "carol" / "quizzes" / "week02.toml").write_text(answer_file("week02", CAROL_WEEK02))


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
