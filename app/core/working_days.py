"""Working days under the Official Information Act 1982, and whether a response came in time.

Section 2: a working day is any day but Saturday, Sunday, Waitangi Day, Good Friday, Easter Monday,
Anzac Day, the Sovereign's birthday, Matariki, Labour Day, the Monday after a Waitangi Day or Anzac
Day that falls on a weekend, and the days from 25 December to 15 January. Regional anniversary
days are working days. Section 15(1): a decision is due "not later than 20 working days after the
day on which the request is received"; section 15A lets the agency extend that, by notice."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays

SECTION_15_LIMIT = 20  # working days


@cache
def _public_holidays(year: int) -> frozenset[date]:
    """New Zealand's national holidays of the year (no regional anniversaries), Mondays they are
    observed on included. Those that fall in the summer break (New Year, Christmas, Boxing Day)
    are not working days anyway."""
    return frozenset(holidays.NZ(years=year))


def _summer_break(day: date) -> bool:
    return (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day <= 15)


def is_working_day(day: date) -> bool:
    """Whether the day is a working day under section 2."""
    return day.weekday() < 5 and not _summer_break(day) and day not in _public_holidays(day.year)


def working_days_between(received: date, answered: date) -> int:
    """The working days after the day a request was received, up to and including the day it was
    answered (the day of receipt is not counted; an answer the same day took 0)."""
    if answered < received:
        raise ValueError("The response is dated before the request.")
    return sum(is_working_day(received + timedelta(days=n)) for n in range(1, (answered - received).days + 1))


def due_date(received: date, working_days: int = SECTION_15_LIMIT) -> date:
    """The last day of the limit: the working_days-th working day after the day of receipt."""
    day, counted = received, 0
    while counted < working_days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day


@dataclass(frozen=True)
class Timeliness:
    working_days: int  # taken, from receipt to response
    limit: int  # 20, or 20 and the extension
    due: date
    late: bool

    @property
    def extended(self) -> bool:
        return self.limit > SECTION_15_LIMIT


def timeliness(received: date, answered: date, extension_days: int = 0) -> Timeliness:
    """How long the response took against section 15(1)'s limit, extended under section 15A by
    extension_days working days when the agency gave notice of one."""
    limit = SECTION_15_LIMIT + extension_days
    taken = working_days_between(received, answered)
    return Timeliness(working_days=taken, limit=limit, due=due_date(received, limit), late=taken > limit)
