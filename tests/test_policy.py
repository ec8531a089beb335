"""The late policy: grace, a penalty per started day, a cap, extensions, and clear errors."""

import datetime as dt

import pytest

from autograder.course import CourseError
from autograder.policy import LatePolicy, load_policy

UTC = dt.timezone.utc
DUE = dt.datetime(2026, 9, 14, 23, 59, tzinfo=UTC)
POLICY = LatePolicy(grace_minutes=15, per_day=0.1, max_penalty=0.3, max_days=7, due={"lab02_text_statistics": DUE})


def penalty(minutes_late: float, raw: float = 80.0, student: str = "alice", policy: LatePolicy = POLICY) -> dict:
    when = DUE + dt.timedelta(minutes=minutes_late)
    return policy.assess(student, "lab02_text_statistics", when, 100.0, raw)


@pytest.mark.parametrize(
    ("minutes", "days", "points"),
    [(-60, 0, 0), (10, 0, 0), (15, 0, 0), (16, 1, 10), (24 * 60 + 15, 1, 10), (24 * 60 + 16, 2, 20), (5 * 24 * 60, 5, 30), (7 * 24 * 60 + 15, 7, 30)],
    ids=["early", "in-grace", "grace-edge", "just-late", "one-day-edge", "second-day", "capped", "last-day"],
)
def test_penalty_per_started_day_after_grace_with_a_cap(minutes, days, points):
    late = penalty(minutes)
    assert (late["days_late"], late["penalty"]) == (days, points)
    assert late["raw_score"] == 80.0


def test_later_than_max_days_earns_nothing():
    late = penalty(8 * 24 * 60 + 20)
    assert late["penalty"] == 80.0 and "no credit" in late["note"]


def test_the_penalty_never_exceeds_the_score():
    assert penalty(3 * 24 * 60, raw=5.0)["penalty"] == 5.0


def test_an_extension_moves_the_due_date_for_one_student():
    policy = LatePolicy(per_day=0.1, due={"lab02_text_statistics": DUE}, extensions={"bob": {"lab02_text_statistics": DUE + dt.timedelta(days=2)}})
    assert penalty(24 * 60, student="bob", policy=policy)["penalty"] == 0
    assert penalty(24 * 60, student="alice", policy=policy)["penalty"] == 10


def test_unknown_submission_time_is_not_penalised_and_says_so():
    late = POLICY.assess("alice", "lab02_text_statistics", None, 100.0, 80.0)
    assert late["penalty"] == 0 and "unknown" in late["note"]


def test_labs_without_a_due_date_have_no_late_entry():
    assert POLICY.assess("alice", "lab09_ngram_lm", DUE, 100.0, 80.0) is None


def test_policy_file_round_trip(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(
        '[late]\ngrace_minutes = 15\nper_day = 0.1\nmax_penalty = 0.3\n\n[due]\nlab02_text_statistics = 2026-09-14T19:59:00-04:00\n'
        'lab09_ngram_lm = "2026-09-21T23:59:00"\n\n[extensions.bob]\nlab02_text_statistics = "2026-09-16T23:59:00Z"\n'
    )
    policy = load_policy(path, ["lab02_text_statistics", "lab09_ngram_lm"])
    assert policy.due["lab02_text_statistics"] == DUE
    assert policy.due["lab09_ngram_lm"].tzinfo is not None  # no zone means UTC
    assert policy.due_for("bob", "lab02_text_statistics") == DUE + dt.timedelta(days=2)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[late\n", "not valid TOML"),
        ("[late]\nper_day = 2\n", "late/per_day"),
        ("[late]\npenalty = 0.1\n", "Additional properties"),
        ('[due]\nlab02_text_statistics = "next friday"\n', "not an ISO 8601"),
        ('[due]\nlab77_nothing = "2026-09-14T23:59:00"\n', "lab77_nothing"),
    ],
    ids=["toml", "range", "unknown-key", "date", "unknown-lab"],
)
def test_bad_policy_files_name_the_file_and_the_problem(tmp_path, text, words):
    path = tmp_path / "policy.toml"
    path.write_text(text)
    with pytest.raises(CourseError) as err:
        load_policy(path, ["lab02_text_statistics"])
    assert str(path) in str(err.value) and words in str(err.value)


def test_a_date_quoted_or_not_is_the_same_moment(tmp_path):
    """A due date written as a TOML date and as a quoted string mean the same
    moment: the end of that day, UTC; anything else that is not a moment is an
    error naming the file and the key."""
    quoted, bare = tmp_path / "quoted.toml", tmp_path / "bare.toml"
    quoted.write_text('[due]\nlab02_text_statistics = "2026-09-14"\n')
    bare.write_text("[due]\nlab02_text_statistics = 2026-09-14\n")
    a, b = load_policy(quoted), load_policy(bare)
    assert a.due == b.due == {"lab02_text_statistics": dt.datetime(2026, 9, 14, 23, 59, 59, tzinfo=dt.timezone.utc)}
    clock = tmp_path / "clock.toml"
    clock.write_text("[due]\nlab02_text_statistics = 23:59:00\n")
    with pytest.raises(CourseError, match=r"clock\.toml: due\.lab02_text_statistics"):
        load_policy(clock)
