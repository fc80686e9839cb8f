"""Exact calendar arithmetic for waiting periods and validity windows.

Authorities speak in months and years ("12 months after the first attempt", "within 2 years").
Adding months clamps to the last day of a shorter month (31 Jan + 1 month = 28/29 Feb), and a
leap day plus one year is 28 Feb: the rule a person reading a calendar would apply.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the target month's last day."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (negative when `end` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def months_until(start: date, end: date) -> int:
    """Whole calendar months from `start` until `end`, rounded up (0 when `end` is not later):
    how many months of waiting are left."""
    if end <= start:
        return 0
    months = months_between(start, end)
    return months + 1 if add_months(start, months) < end else months


def days_between(start: date, end: date) -> int:
    return (end - start).days


def anniversary(day: date, years: int) -> date:
    """`day` moved by whole years, with a leap day landing on 1 March in a common year.

    Used where a period must be *complete* before it ends (a one-year wait, a two-year validity):
    a wait that began on 29 Feb 2024 has run a full year only on 1 Mar 2025, as UK law counts a
    29 February anniversary (Family Law Reform Act 1969, s. 9). `add_years` clamps to 28 Feb instead.
    """
    moved = add_years(day, years)
    if day.month == 2 and day.day == 29 and moved.day == 28:
        return date(moved.year, 3, 1)
    return moved
