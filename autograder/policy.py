"""The late policy: due dates and penalties from a course file.

The file is TOML (``autograder batch --policy FILE``; default
``<course>/policy.toml`` when it exists)::

    [late]
    grace_minutes = 15        # submissions this late count as on time
    per_day = 0.10            # fraction of the lab's points lost per started day late
    max_penalty = 0.50        # cap on that fraction
    max_days = 7              # later than this: no credit (optional)

    [due]                     # ISO 8601, quoted or as a TOML date-time; a time without
                              # a zone is UTC; a date alone (2026-09-14 or "2026-09-14")
                              # means the end of that day, 23:59:59
    lab02_text_statistics = "2026-09-14T23:59:00-04:00"

    [extensions.alice]        # per-student due dates: by the student's key, platform id or name
    lab02_text_statistics = "2026-09-16T23:59:00-04:00"

Days late are counted in started 24-hour periods after due + grace. The
penalty is points off the graded score (never below 0), stored in the
report as ``late`` next to the score before it, so a changed policy can be
applied again to reports without regrading.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import CourseError, load_toml


DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
END_OF_DAY = dt.time(23, 59, 59)


@dataclass
class LatePolicy:
    grace_minutes: float = 0.0
    per_day: float = 0.0
    max_penalty: float = 1.0
    max_days: int | None = None
    due: dict[str, dt.datetime] = field(default_factory=dict)
    extensions: dict[str, dict[str, dt.datetime]] = field(default_factory=dict)
    source: str = ""

    def due_for(self, student: str | tuple[str, ...], lab_id: str) -> dt.datetime | None:
        """The due date, with the first extension found for any of the student's
        names (key, platform id, display name)."""
        for who in (student,) if isinstance(student, str) else student:
            extended = self.extensions.get(who, {}).get(lab_id)
            if extended is not None:
                return extended
        return self.due.get(lab_id)

    def assess(self, student: str | tuple[str, ...], lab_id: str, submitted_at: dt.datetime | None, max_score: float, raw_score: float) -> dict | None:
        """The report's ``late`` entry, or None when the lab has no due date."""
        due = self.due_for(student, lab_id)
        if due is None:
            return None
        entry = {"due": due.isoformat(), "submitted_at": submitted_at.isoformat() if submitted_at else None, "days_late": 0, "penalty": 0.0, "raw_score": raw_score}
        if submitted_at is None:
            entry["note"] = "submission time unknown: no late penalty applied"
            return entry
        overdue = submitted_at - due - dt.timedelta(minutes=self.grace_minutes)
        if overdue <= dt.timedelta(0):
            return entry
        days = math.ceil(overdue / dt.timedelta(days=1))
        fraction = 1.0 if self.max_days is not None and days > self.max_days else min(self.max_penalty, self.per_day * days)
        entry["days_late"] = days
        entry["penalty"] = round(min(raw_score, fraction * max_score), 6)
        if self.max_days is not None and days > self.max_days:
            entry["note"] = f"more than {self.max_days} days late: no credit"
        return entry


def _time(value: object, where: str) -> dt.datetime:
    """A moment from a TOML date-time, a TOML date or an ISO 8601 string. A
    date alone, quoted or not, means the end of that day (23:59:59); a time
    without a zone is UTC."""
    if isinstance(value, str) and DATE_ONLY.fullmatch(value.strip()):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise CourseError(f"{where}: {value!r} is not a valid date") from None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, END_OF_DAY)
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise CourseError(f"{where}: {value!r} is not an ISO 8601 date and time") from None
    else:
        raise CourseError(f"{where}: {value!r} is not a date and time (write e.g. 2026-09-14T23:59:00-04:00)")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def load_policy(path: Path, known_labs: list[str] | None = None) -> LatePolicy:
    """Read and check a policy file; errors name the file and the problem."""
    data = load_toml(path, "policy.schema.json")
    late = data.get("late", {})
    due = {lab: _time(v, f"{path}: due.{lab}") for lab, v in data.get("due", {}).items()}
    extensions = {
        student: {lab: _time(v, f"{path}: extensions.{student}.{lab}") for lab, v in labs.items()}
        for student, labs in data.get("extensions", {}).items()
    }
    if known_labs is not None:
        unknown = sorted({*due, *(lab for labs in extensions.values() for lab in labs)} - set(known_labs))
        if unknown:
            raise CourseError(f"{path}: due dates for labs this course does not have: {', '.join(unknown)}")
    return LatePolicy(
        grace_minutes=float(late.get("grace_minutes", 0)),
        per_day=float(late.get("per_day", 0)),
        max_penalty=float(late.get("max_penalty", 1.0)),
        max_days=late.get("max_days"),
        due=due,
        extensions=extensions,
        source=str(path),
    )


def apply(result: dict, policy: LatePolicy | None) -> dict:
    """Set (or clear) the report's late penalty under ``policy`` and rescore it."""
    from autograder.report import rescore

    result.pop("late", None)
    rescore(result)  # the score before any late penalty
    if policy is not None:
        when = result.get("submitted_at")
        submitted = _time(when, "submitted_at") if when else None
        names = tuple(n for n in (result["student"], result.get("student_id"), result.get("student_name")) if n)
        late = policy.assess(names, result["lab"]["id"], submitted, result["max_score"], result["score"])
        if late is not None:
            result["late"] = late
            rescore(result)
    return result
