"""The dashboard's case-book page (frontends/cases_page.py) through streamlit's AppTest.

A small host script stands in for the dashboard: a profile chosen by a select box (the "form"),
the save control and the Cases view, and a loader that records what was opened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.cases import open_store


def host() -> None:  # runs inside AppTest: imports here
    from datetime import date

    import streamlit as st

    from core import examples
    from core.pipeline import default_pipeline
    from frontends import cases_page

    def load(data, origin):
        st.session_state["loaded"] = (origin, data)
        if "exam" not in data:
            from core.errors import FieldError

            return [FieldError("exams", "this form holds one exam")]
        return []

    pick = st.selectbox("example", examples.names(), key="pick")
    as_of = st.session_state.get("as_of_day", date(2026, 11, 25))
    cases_page.save_control(examples.load(pick), as_of, default_pipeline())
    cases_page.cases_view(default_pipeline(), as_of, load)


@pytest.fixture
def book(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "book.db"
    monkeypatch.setenv("RETAKE_DB", str(path))
    return path


def start() -> AppTest:
    at = AppTest.from_function(host, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def shown(text: str) -> str:
    """What a reader sees: the page escapes markdown (frontends.session.plain)."""
    return text.replace("\\", "")


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def save_three(at: AppTest) -> AppTest:
    for example, name in (("plab1-borderline", "amira"), ("usmle-step2ck-low-pass", "bo"),
                          ("mccqe1-new-scale", "chen")):
        at.selectbox(key="pick").set_value(example).run()
        at.text_input(key="cases_name").set_value(name).run()
        button(at, "cases_save").click().run()
        assert not at.exception, at.exception
        assert any(f"Saved case {name}" in s.value for s in at.success), [s.value for s in at.success]
    return at


def test_an_empty_book_says_how_to_start(book):
    at = start()
    assert any("No saved cases yet" in i.value for i in at.info)
    assert button(at, "cases_save").disabled  # no name yet


def test_save_three_cases_then_list_them(book):
    at = save_three(start())
    table = at.dataframe[0].value
    assert list(table["Case"]) == ["amira", "bo", "chen"]
    assert list(table["Latest decision"]) == ["A retake is not allowed"] * 3
    assert table.loc[table["Case"] == "amira", "Next deadline"].item() == "2028-03-11"
    with open_store(book) as store:
        assert store.counts() == (3, 3)


def test_a_taken_name_offers_update_and_keeps_the_history(book):
    at = save_three(start())
    at.selectbox(key="pick").set_value("ielts-academic-writing-short").run()
    at.text_input(key="cases_name").set_value("amira").run()
    button(at, "cases_update").click().run()
    assert any("Updated case amira" in s.value for s in at.success)
    with open_store(book) as store:
        assert [v.verdict["exam"] for v in store.history("amira")] == ["plab1", "ielts-academic"]


def test_open_a_case_into_the_form(book):
    at = save_three(start())
    at.selectbox(key="cases_chosen").set_value("bo").run()
    button(at, "cases_open").click().run()
    origin, data = at.session_state["loaded"]
    assert origin == "case bo" and data["exam"] == "usmle-step2ck"
    assert at.session_state["cases_name"] == "bo"


def test_remove_needs_a_confirmation_and_really_deletes(book):
    at = save_three(start())
    at.selectbox(key="cases_chosen").set_value("chen").run()
    assert button(at, "cases_remove").disabled
    at.checkbox(key="cases_confirm_remove").check().run()
    button(at, "cases_remove").click().run()
    assert any("Removed case chen" in s.value for s in at.success)
    with open_store(book) as store:
        assert [s.case.name for s in store.summaries()] == ["amira", "bo"]


def test_recheck_shows_changed_cases_first(book):
    from datetime import date

    at = save_three(start())
    at.session_state["as_of_day"] = date(2028, 6, 1)  # the PLAB 1 pass has lapsed by then
    at.run()
    button(at, "cases_recheck_button").click().run()
    assert not at.exception, at.exception
    assert "1 changed" in shown(at.markdown[0].value)
    labels = [shown(e.label) for e in at.expander]
    assert labels and labels[0].startswith("Changed: amira")
    assert any("decision not_allowed -> retake_required" in shown(m.value) for m in at.markdown)
    assert any("Unchanged: bo, chen" in shown(c.value) for c in at.caption)


# --- wired into the real dashboard ---------------------------------------------------------------

def test_the_dashboard_saves_a_case_and_lists_it_in_the_cases_tab(book):
    import importlib.util
    from datetime import date

    at = AppTest.from_file(importlib.util.find_spec("frontends.dashboard").origin, default_timeout=60)
    at.session_state["as_of"] = date(2026, 11, 25)
    at.run()
    assert not at.exception, at.exception
    assert not book.exists()  # looking creates nothing
    at.text_input(key="cases_name").set_value("first-client").run()
    button(at, "cases_save").click().run()
    assert not at.exception, at.exception
    with open_store(book) as store:
        (summary,) = store.summaries()
    assert summary.case.name == "first-client" and summary.latest.as_of == "2026-11-25"
    at.session_state["tab"] = "Cases"
    at.run()
    assert not at.exception, at.exception
    # the cases table (the verdict column comes first now, so the attempts editor is the last grid)
    cases = next(d.value for d in at.dataframe if "Case" in d.value.columns)
    assert list(cases["Case"]) == ["first-client"]
