"""Submissions are untrusted input: bad archives get clear errors, never a crash."""

import os
import zipfile

import pytest

from autograder.submission import SubmissionError, check_member_name, collect_lab_files, open_submission
from conftest import make_zip


@pytest.mark.parametrize("name", ["../evil.py", "a/../../evil.py", "/etc/passwd", "C:\\x.py", "\\\\share\\x"])
def test_unsafe_member_names_are_named(name):
    assert check_member_name(name)


def test_zip_slip_and_links_are_skipped(tmp_path):
    archive = make_zip(
        tmp_path / "alice.zip",
        {"lab98_toy/toy.py": b"x = 1\n", "../escape.py": b"bad"},
        links={"lab98_toy/link.py": "/etc/passwd"},
    )
    sub = open_submission(archive)
    try:
        assert (sub.root / "lab98_toy" / "toy.py").read_bytes() == b"x = 1\n"
        assert not (tmp_path / "escape.py").exists()
        assert not (sub.root / "lab98_toy" / "link.py").exists()
        assert any("climbs out" in p for p in sub.problems)
        assert any("symbolic links" in p for p in sub.problems)
        assert sub.student == "alice"
    finally:
        sub.cleanup()
    assert not sub.root.exists()


def test_wrapping_folder_is_accepted(tmp_path):
    sub = open_submission(make_zip(tmp_path / "b.zip", {"bob/lab98_toy/toy.py": b""}))
    try:
        assert list(sub.lab_folders()) == ["lab98_toy"]
    finally:
        sub.cleanup()


def test_zip_bomb_is_refused_and_nothing_stays_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_WORKDIR", str(tmp_path / "scratch"))
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(6):
            zf.writestr(f"lab98_toy/f{i}.txt", b"\0" * (19 * 1024 * 1024))
    with pytest.raises(SubmissionError, match="more than"):
        open_submission(archive)
    assert list((tmp_path / "scratch").iterdir()) == []  # the ~95 MB already unpacked is gone


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04garbage"])
def test_broken_files_are_named(tmp_path, content):
    path = tmp_path / "junk.zip"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match="junk.zip"):
        open_submission(path)


def test_missing_path(tmp_path):
    with pytest.raises(SubmissionError, match="no such file"):
        open_submission(tmp_path / "nope")


def test_collect_refuses_links_folders_and_forbidden_names(tmp_path):
    src = tmp_path / "lab"
    src.mkdir()
    (src / "toy.py").mkdir()
    (src / "helper.py").symlink_to("/etc/passwd")
    (src / "conftest.py").write_text("")
    copied, problems = collect_lab_files(src, ["toy.py", "helper.py", "conftest.py", "other.py"], tmp_path / "out")
    assert copied == []
    text = " | ".join(problems)
    for phrase in ["folder, not a file", "symbolic link", "conftest.py is not allowed", "other.py is missing"]:
        assert phrase in text
    assert os.listdir(tmp_path / "out") == []
