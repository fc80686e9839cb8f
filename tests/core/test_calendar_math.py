from datetime import date

import pytest
from hypothesis import given, strategies as st

from core.calendar_math import add_months, add_years, months_between


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),   # month end clamps
        (date(2024, 1, 31), 1, date(2024, 2, 29)),   # leap February
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day + 1 year
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # leap day + 4 years
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # year rollover
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_add_years_is_twelve_months():
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 1, 31), date(2025, 2, 27), 0),
        (date(2025, 1, 31), date(2025, 2, 28), 1),  # consistent with add_months clamping
        (date(2025, 1, 15), date(2025, 2, 15), 1),
        (date(2025, 1, 15), date(2025, 2, 14), 0),
        (date(2025, 2, 15), date(2025, 1, 15), -1),
    ],
)
def test_months_between(start, end, expected):
    assert months_between(start, end) == expected


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 240))
def test_add_months_never_moves_past_the_target_month(start, months):
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day <= start.day
    assert months_between(start, moved) == months


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 25), date(2026, 11, 25), 0),
        (date(2026, 11, 25), date(2026, 11, 1), 0),
        (date(2026, 11, 25), date(2026, 11, 26), 1),   # any part of a month counts as a month
        (date(2026, 11, 25), date(2026, 12, 25), 1),
        (date(2026, 11, 25), date(2026, 12, 26), 2),
        (date(2025, 1, 31), date(2025, 2, 28), 1),     # month end
        (date(2024, 1, 31), date(2024, 3, 1), 2),      # leap February
    ],
)
def test_months_until_rounds_up(start, end, expected):
    from core.calendar_math import months_until

    assert months_until(start, end) == expected
