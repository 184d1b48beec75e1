"""The steps inside a dossier's legal time and the working hours each one is allotted.

A procedure's internal process (quy trình nội bộ, which Decree 118/2025/NĐ-CP has every body
publish for each procedure it handles) divides the legal time among the steps: the counter
(reception and hand-over to the competent department), the department's handling, the
signer's approval and the return of the result. The process control sheet (Mẫu 06, Circular
03/2025/TT-VPCP) judges each step early, on time or late against its own allotment, not
against the dossier's due date.

Pure on purpose, like ``cases.deadlines``: the split and the judgement are checked with plain
datetimes. The rule and its defaults are written in docs/domain.md, "Steps inside the legal
time".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cases.deadlines import Classification, TimeUnit, WorkingCalendar


class Step(StrEnum):
    COUNTER = "counter"
    DEPARTMENT = "department"
    APPROVAL = "approval"
    RETURN = "return"


#: The step a dossier is at in each state. Waits on the resident or another authority
#: (supplement, payment) belong to no step: they are not counted against any allotment.
STATE_STEP = {
    "received": Step.COUNTER,
    "in_progress": Step.DEPARTMENT,
    "awaiting_approval": Step.APPROVAL,
    "resolved": Step.RETURN,
}

#: Default split (see docs/domain.md): fixed hours for the counter and the return, a share of
#: the legal time (at least ``MIN_APPROVAL_HOURS``) for the signer, the rest to the department.
COUNTER_HOURS = 4
RETURN_HOURS = 4
APPROVAL_SHARE = 0.10
MIN_APPROVAL_HOURS = 4
#: Below this legal time (two working days) the fixed hours would leave the department nothing:
#: the time is shared in proportion instead.
PROPORTIONAL_BELOW_HOURS = 16
PROPORTIONAL_SPLIT = {
    Step.COUNTER: 0.125,
    Step.DEPARTMENT: 0.5,
    Step.APPROVAL: 0.25,
    Step.RETURN: 0.125,
}
#: A same-day procedure (0 working days) may take until the end of the next working day when
#: received after the cut-off: its steps share one working day.
SAME_DAY_WORKING_DAYS = 1
#: Calendar days are turned into working days at five working days a week.
WORKING_DAYS_PER_WEEK = 5


def hours_per_day(cal: WorkingCalendar) -> float:
    """The working hours of an ordinary working day (8 with the default windows)."""
    return (
        sum(
            (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
            for opens, closes in cal.windows
        )
        / 60
    )


def legal_hours(*, limit: int, unit: str, cal: WorkingCalendar) -> float:
    """A procedure's legal time in working hours, the unit internal processes allot in."""
    unit = TimeUnit(unit)
    if unit is TimeUnit.WORKING_HOURS:
        return float(limit)
    days = limit if unit is TimeUnit.WORKING_DAYS else limit * WORKING_DAYS_PER_WEEK // 7
    return max(days, SAME_DAY_WORKING_DAYS) * hours_per_day(cal)


def default_allotments(total_hours: float) -> dict[Step, float]:
    """The split applied when a procedure's internal process sets none (docs/domain.md)."""
    if total_hours < PROPORTIONAL_BELOW_HOURS:
        return {step: round(total_hours * share, 2) for step, share in PROPORTIONAL_SPLIT.items()}
    approval = max(MIN_APPROVAL_HOURS, round(total_hours * APPROVAL_SHARE))
    return {
        Step.COUNTER: COUNTER_HOURS,
        Step.DEPARTMENT: total_hours - COUNTER_HOURS - approval - RETURN_HOURS,
        Step.APPROVAL: approval,
        Step.RETURN: RETURN_HOURS,
    }


def allotments(*, configured: Mapping[str, float] | None, total_hours: float) -> dict[Step, float]:
    """The procedure's own split where it sets one, else the default; every step present."""
    if configured:
        return {step: float(configured.get(step.value, 0)) for step in Step}
    return default_allotments(total_hours)


def allotment_errors(value, *, total_hours: float | None) -> list[str]:
    """What is wrong with a configured split, as codes the model validator words: unknown
    steps, negative or non-numeric hours, or more hours than the legal time."""
    if value in (None, {}):
        return []
    if not isinstance(value, dict):
        return ["not_a_mapping"]
    if set(value) - {s.value for s in Step}:
        return ["unknown_step"]
    if any(isinstance(h, bool) or not isinstance(h, int | float) or h < 0 for h in value.values()):
        return ["bad_hours"]
    if total_hours is not None and sum(value.values()) > total_hours + 1e-9:
        return ["over_legal_time"]
    return []


@dataclass(frozen=True)
class StepTime:
    """One step of a dossier: its working time used (seconds, over all its visits, waits left
    out), its allotment, when it was last left (None while the dossier is still there) and the
    judgement: early, on time, late, or within while it is still running on time."""

    step: Step
    allotted: int
    used: int
    ended_at: datetime | None
    result: Classification

    @property
    def allotted_hours(self) -> float:
        return round(self.allotted / 3600, 1)

    @property
    def used_hours(self) -> float:
        return round(self.used / 3600, 1)

    @property
    def over_hours(self) -> float:
        return round(max(0, self.used - self.allotted) / 3600, 1)


def judge(
    *, used: int, allotted: int, ended_at: datetime | None, cal: WorkingCalendar
) -> Classification:
    """Late when the step used more working time than allotted. Otherwise, like a dossier's
    classification by date: on time when the allotment would have run out on the day the step
    ended, early when on a later day; within while the step is still running."""
    if used > allotted:
        return Classification.OVERDUE
    if ended_at is None:
        return Classification.WITHIN
    deadline = cal.add_working_seconds(ended_at, allotted - used)
    same_day = deadline.astimezone(cal.tz).date() == ended_at.astimezone(cal.tz).date()
    return Classification.ON_TIME if same_day else Classification.EARLY


def step_times(
    transitions: Iterable[tuple[datetime, str]],
    *,
    allotted: Mapping[Step, float],
    now: datetime,
    cal: WorkingCalendar,
    handover: tuple[datetime, datetime | None] | None = None,
) -> list[StepTime]:
    """Each step the dossier has reached, in the order of the steps, from its transitions
    (when, which state it entered) in the order they happened.

    ``handover`` (the counter step's deadline and the time of the hand-over) judges the counter
    step by the law's own rule for it, the same working day or the next morning after 15:00,
    to the minute; its allotment still shows what the internal process reserves for it.
    """
    used: dict[Step, int] = {}
    left: dict[Step, datetime | None] = {}
    ordered = list(transitions)
    for (start, state), following in zip(ordered, [*ordered[1:], None], strict=True):
        step = STATE_STEP.get(state)
        if step is None:
            continue
        end = following[0] if following else None
        used[step] = used.get(step, 0) + cal.working_seconds_between(start, end or now)
        left[step] = end
    out = []
    for step in Step:
        if step not in used:
            continue
        seconds = round(allotted.get(step, 0) * 3600)
        result = judge(used=used[step], allotted=seconds, ended_at=left[step], cal=cal)
        if step is Step.COUNTER and handover is not None:
            # Left the counter without a hand-over (withdrawn there): judged by when it left.
            due, handed_over_at = handover
            left_at = handed_over_at or left[step]
            if (left_at or now) > due:
                result = Classification.OVERDUE
            else:
                result = Classification.ON_TIME if left_at else Classification.WITHIN
        out.append(StepTime(step, seconds, used[step], left[step], result))
    return out
