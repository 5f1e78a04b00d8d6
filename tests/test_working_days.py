"""Working days under the OIA's section 2, table-driven: each row is a request and its response,
counted by hand on a calendar."""

from datetime import date

import pytest

from app.core.working_days import due_date, is_working_day, timeliness, working_days_between

D = date.fromisoformat

# received, answered, working days taken, what the row shows
COUNTED = [
    ("2025-03-03", "2025-03-31", 20, "an ordinary month: the 20th working day, on time"),
    ("2025-03-03", "2025-04-01", 21, "one day late"),
    ("2025-03-03", "2025-03-03", 0, "answered the day it came"),
    ("2024-12-16", "2025-01-31", 18, "the summer break; Wellington's and Auckland's anniversaries (20, 27 Jan) count"),
    ("2025-04-10", "2025-05-09", 18, "Easter: Good Friday, Easter Monday, and Anzac Day on a Friday"),
    ("2025-05-30", "2025-06-30", 19, "the King's birthday (2 June) and Matariki (20 June)"),
    ("2027-02-05", "2027-02-12", 4, "Waitangi Day on a Saturday: the Monday after is not a working day"),
    ("2026-04-24", "2026-04-30", 3, "Anzac Day on a Saturday: the Monday after is not a working day"),
    ("2025-10-24", "2025-10-28", 1, "Labour Day"),
    ("2021-06-25", "2021-07-09", 10, "before Matariki became a holiday (2022): late June 2021 is all working days"),
    ("2026-12-24", "2027-01-18", 1, "received on Christmas Eve: nothing counts until 16 January"),
]


@pytest.mark.parametrize(("received", "answered", "taken", "shows"), COUNTED, ids=[row[3] for row in COUNTED])
def test_working_days_are_counted_as_the_act_defines_them(received, answered, taken, shows):
    assert working_days_between(D(received), D(answered)) == taken


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-01-20", True),  # Wellington Anniversary: regional, a working day
        ("2025-03-24", True),  # Otago Anniversary (observed): regional
        ("2025-06-20", False),  # Matariki
        ("2025-06-02", False),  # the King's birthday
        ("2025-12-24", True),
        ("2025-12-25", False),
        ("2026-01-15", False),
        ("2026-01-16", True),
        ("2026-02-06", False),  # Waitangi Day on a Friday
        ("2027-02-08", False),  # the Monday after Waitangi Day on a Saturday
        ("2025-03-08", False),  # a Saturday
    ],
)
def test_which_days_are_working_days(day, working):
    assert is_working_day(D(day)) is working


def test_the_due_date_is_the_twentieth_working_day_and_an_extension_moves_it():
    assert due_date(D("2025-03-03")) == D("2025-03-31")
    assert due_date(D("2024-12-16")) == D("2025-02-04")  # across the break, before Waitangi Day
    on_time = timeliness(D("2025-03-03"), D("2025-03-31"))
    assert (on_time.working_days, on_time.late, on_time.extended) == (20, False, False)
    late = timeliness(D("2025-03-03"), D("2025-04-01"))
    assert (late.working_days, late.due, late.late) == (21, D("2025-03-31"), True)
    extended = timeliness(D("2025-03-03"), D("2025-04-01"), extension_days=20)
    assert (extended.limit, extended.late, extended.extended) == (40, False, True)
    assert extended.due == D("2025-05-01")  # 20 more: April less Good Friday, Easter Monday, Anzac Day is 19


def test_a_response_dated_before_its_request_is_refused():
    with pytest.raises(ValueError, match="before the request"):
        working_days_between(D("2025-03-03"), D("2025-03-02"))
