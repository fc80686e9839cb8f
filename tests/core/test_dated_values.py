from datetime import date

import pytest

from core.dated_values import Dated, DatedValues, NotInForce, Source

SRC = Source("test source", "https://example.org")


def history():
    return DatedValues.of(
        Dated(214.0, date(2022, 7, 1), SRC),
        Dated(218.0, date(2025, 7, 1), SRC, confidence="medium"),
        name="pass mark",
    )


@pytest.mark.parametrize(
    ("day", "value"),
    [(date(2022, 7, 1), 214.0), (date(2025, 6, 30), 214.0), (date(2025, 7, 1), 218.0), (date(2025, 7, 2), 218.0)],
)
def test_value_in_force_on_each_side_of_an_effective_date(day, value):
    assert history().value_at(day) == value


def test_before_first_value_is_not_in_force():
    with pytest.raises(NotInForce, match="pass mark"):
        history().at(date(2022, 6, 30))


def test_until_closes_the_last_value():
    values = DatedValues.of(Dated(1, date(2020, 1, 1), SRC), until=date(2022, 1, 26))
    assert values.in_force(date(2022, 1, 25))
    assert not values.in_force(date(2022, 1, 26))


def test_effective_dates_must_increase():
    with pytest.raises(ValueError, match="strictly increasing"):
        DatedValues.of(Dated(1, date(2022, 1, 1), SRC), Dated(2, date(2021, 1, 1), SRC))


def test_confidence_is_checked():
    with pytest.raises(ValueError, match="confidence"):
        Dated(1, date(2020, 1, 1), SRC, confidence="sure")


def test_periods_pair_each_value_with_its_end():
    periods = list(history().periods())
    assert [(p.value, end) for p, end in periods] == [(214.0, date(2025, 7, 1)), (218.0, None)]
