"""The Streamlit dashboard through streamlit's AppTest: first load, every input kind, every tab, the
what-if, upload/download, and the error paths (bad score, unknown specialty, broken plugins)."""

from __future__ import annotations

import importlib.util
import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from days import AS_OF  # the one fixed day (tests/days.py)

DASHBOARD = importlib.util.find_spec("frontends.dashboard").origin
TABS = ["Verdict", "Pictures", "What if", "Compare routes", "Batch", "Plugins", "Cases"]

PROFILE: dict[str, Any] = {
    "exam": "usmle-step2ck",
    "attempts": [{"date": "2025-09-14", "score": 221}],
    "target": {"country": "US", "specialty": "general-surgery", "setting": "community"},
    "plan": {"predicted_score": 236, "evidence": "practice-exams", "months_to_application": 9, "prep_months": 4},
    "programs_accept_retakes": "unknown",
}
IELTS = {
    "exam": "ielts-academic",
    "attempts": [{"date": "2026-05-01", "score": 6.5,
                  "parts": {"listening": 7, "reading": 6.5, "writing": 6, "speaking": 6.5}}],
    "target": {"country": "GB", "specialty": "internal-medicine"},
}


def start(tab: str | None = None, **state: Any) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["as_of"] = AS_OF
    for key, value in state.items():
        at.session_state[key] = value
    if tab:
        at.session_state["tab"] = tab
    at.run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert_clean(at)
    return at


def decision(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("## :"))


def outcome(at: AppTest) -> str:
    return next((m.value for m in at.markdown if m.value.startswith("#### :")), "")


def tables(at: AppTest) -> list[Any]:
    """The read-only tables (st.dataframe), not the attempts editor."""
    return [d.value for d in at.dataframe if d.editing_mode == "read_only"]


def facts(at: AppTest) -> list[str]:
    """The headline's four facts (score, attempts used, earliest retake, next deadline), as shown."""
    return [m.value.split("\n", 1)[1].split(" ", 1)[1] for m in at.markdown
            if m.value.startswith("**") and "\n###" in m.value][:4]


def route_table(at: AppTest) -> Any:
    """The compare view's table (a static st.table: its cells wrap)."""
    return at.get("table")[0].value


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def edit_attempts(at: AppTest, **edits: Any) -> AppTest:
    state = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    state.update(edits)
    at.session_state[f"attempts-{at.session_state['attempts_version']}"] = state
    return rerun(at)


def upload_profile(at: AppTest, data: dict[str, Any], name: str = "me.yaml") -> AppTest:
    text = yaml.safe_dump(data) if name.endswith(".yaml") else json.dumps(data)
    at.file_uploader(key="upload").upload(name, text.encode(), "application/x-yaml")
    return rerun(at)


# --- first load ---------------------------------------------------------------------------------


def test_first_load_shows_the_built_in_example_verdict():
    at = start()
    assert "A retake is not allowed" in decision(at)
    assert "Flowchart end C" in outcome(at)
    assert any("usmle" in m.value and "no\\-repeat\\-after\\-pass" not in m.value and "Decided by" in m.value
               for m in at.markdown)
    assert not errors(at)
    editor = at.data_editor[0]
    assert list(editor.value.columns) == ["date", "score", "result"]
    assert editor.value["score"].tolist() == [221.0]
    assert at.selectbox(key="exam").value == "usmle-step2ck"
    assert facts(at)[:2] == ["221", "1"]
    assert any("Opened from: example" in c.value for c in at.caption)
    # The verdict tab: eligibility, red flags, actions and every reason with its rule id and source.
    assert any(m.value.startswith("- Attempts used: **1**; left: **3**") for m in at.markdown)
    assert any("`usmle.no-repeat-after-pass`" in m.value for m in at.markdown)
    assert any("usmle.org" in c.value for c in at.caption)
    assert not at.warning, "no yellow box: a score that fits is good news, not a red flag (issue 10)"


def test_the_as_of_date_input_judges_on_another_day():
    at = start()
    at.date_input(key="as_of").set_value(date(2025, 9, 1))
    rerun(at)
    assert any("attempts\\[0\\]\\.date" in e and "after the as\\-of date" in e for e in errors(at))


# --- every input kind ---------------------------------------------------------------------------


def test_selectbox_and_radio_inputs_change_the_verdict():
    at = start()
    at.selectbox(key="specialty").set_value("pediatrics")
    rerun(at)
    assert "Flowchart end C" in outcome(at)
    at.radio(key="setting").set_value("university")  # pediatrics 45 + university: above the 220-235 band
    rerun(at)
    assert "Flowchart end E" in outcome(at)


def test_the_retake_plan_is_greyed_when_a_retake_is_not_possible():
    at = start()  # a passed USMLE Step: not allowed
    assert at.number_input(key="predicted_score").disabled
    assert at.radio(key="stance").disabled
    assert any("Not used: a retake is not possible" in c.value for c in at.caption)
    edit_attempts(at, edited_rows={0: {"score": 205}})  # a fail: a retake is required, the plan counts
    assert not at.number_input(key="predicted_score").disabled
    assert not any("Not used: a retake is not possible" in c.value for c in at.caption)


def test_number_inputs_and_stance_walk_the_flowchart():
    # The plan as a loaded profile sets it (the inputs themselves are greyed for a passed Step).
    at = start()
    for key, value in {"specialty": "pediatrics", "setting": "university", "predicted_score": 241.0,
                       "stance": "yes"}.items():
        at.session_state[key] = value
    rerun(at)
    # Issue 10: a passed Step cannot be retaken, so the score stands: whatever the retake plan says,
    # the flowchart stops at B and ends at E for a target the score does not reach.
    assert "Flowchart end E" in outcome(at)
    at.session_state["months_to_application"] = 2
    at.session_state["evidence"] = "self-estimate"
    rerun(at)
    assert "Flowchart end E" in outcome(at)
    at.radio(key="setting").set_value("community")
    rerun(at)
    assert "Flowchart end C" in outcome(at)


def test_checkboxes_and_application_selects_raise_red_flags():
    at = start()
    at.checkbox(key="commitment").uncheck()
    at.selectbox(key="letters").set_value("weak")
    at.number_input(key="clinical_months").set_value(0)
    rerun(at)
    flags = " ".join(w.value for w in at.warning)
    assert "No clear commitment to the specialty" in flags
    assert "Weak letters" in flags
    assert "No clinical experience" in flags


def test_the_attempts_table_takes_added_rows():
    at = start()
    edit_attempts(at, added_rows=[{"date": "2025-01-10", "score": 205}])  # an older fail, added at the bottom
    assert facts(at)[1] == "2"
    assert any("failed attempt is on your record" in w.value for w in at.warning)


def test_choosing_another_exam_rebuilds_the_table_and_follows_its_country():
    at = start()
    at.selectbox(key="exam").set_value("ielts-academic")
    rerun(at)
    assert at.selectbox(key="country").value == "GB"
    assert list(at.data_editor[0].value.columns) == ["date", "score", "part: listening", "part: reading",
                                                     "part: writing", "part: speaking"]
    # 221 is not an IELTS band: it is cleared (and the form says so), the date stays.
    assert at.data_editor[0].value["score"].isna().all()
    assert str(at.data_editor[0].value["date"][0])[:10] == "2025-09-14"
    assert any("Switched to IELTS Academic: dates and results kept; cleared the old exam's scores" in c.value.replace("\\", "") for c in at.caption)
    assert not any("attempts\\[0\\]\\.score" in e for e in errors(at))


def test_per_sitting_pass_mark_column_for_plab1():
    at = start()
    at.selectbox(key="exam").set_value("plab1")
    rerun(at)
    assert "pass_mark" in at.data_editor[0].value.columns
    edit_attempts(at, edited_rows={0: {"date": "2026-03-01", "score": 120, "pass_mark": 118}})
    at.selectbox(key="specialty").set_value("internal-medicine")
    rerun(at)
    assert not errors(at)
    assert "Flowchart end" in outcome(at)


# --- error paths --------------------------------------------------------------------------------


def test_a_bad_score_names_the_field_and_never_shows_a_traceback():
    at = start()
    edit_attempts(at, edited_rows={0: {"score": 999}})
    assert any("attempts\\[0\\]\\.score" in e and "1 to 300" in e for e in errors(at))
    assert not [m for m in at.markdown if m.value.startswith("## :orange")]


def test_an_unknown_specialty_from_a_file_names_the_field():
    at = start()
    upload_profile(at, {**PROFILE, "target": {"country": "US", "specialty": "astrology"}})
    assert any("target\\.specialty" in e and "astrology" in e for e in errors(at))
    assert at.selectbox(key="specialty").value == "astrology"


def test_an_invalid_file_is_not_loaded_and_says_why():
    at = start()
    upload_profile(at, {**PROFILE, "favourite_colour": "blue"})
    assert any("Not loaded" in e and "favourite\\_colour" in e for e in errors(at))
    assert "A retake is not allowed" in decision(at)  # the form still holds the example


def test_user_text_is_never_rendered_as_markdown():
    at = start()
    upload_profile(at, {**PROFILE, "target": {"country": "US", "specialty": "[click](https://evil.example)"}})
    shown = " ".join(errors(at))
    assert "\\[click\\]\\(https\\:" in shown


def _write_plugin(tmp_path, name: str, source: str) -> None:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))


def test_a_plugin_that_fails_to_register_is_reported_and_the_rest_work(tmp_path, monkeypatch):
    _write_plugin(tmp_path, "rv_broken_register", """
        from core import hookimpl

        @hookimpl
        def retake_register_exams(register):
            raise RuntimeError("the exam table is missing")
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("RETAKE_DASHBOARD_PLUGINS", "rv_broken_register,rv_no_such_module")
    at = start()
    assert "A retake is not allowed" in decision(at)
    assert any("2 plugin" in w.value and "rv\\_broken\\_register" in w.value for w in at.warning)
    at.session_state["tab"] = "Plugins"
    rerun(at)
    shown = " ".join(errors(at))
    assert "the exam table is missing" in shown and "rv\\_no\\_such\\_module" in shown
    table = tables(at)[0]
    assert set(table[table["status"] == "failed"]["plugin"]) == {"rv_broken_register", "rv_no_such_module"}
    assert "usmle" in set(table[table["status"] == "loaded"]["plugin"])


def test_a_plugin_that_raises_while_assessing_is_named(tmp_path, monkeypatch):
    _write_plugin(tmp_path, "rv_broken_assess", """
        from core import hookimpl
        from core.dated_values import DatedValues, Source
        from core.exams import ExamSpec, Scale

        SRC = Source("test", "https://example.org")
        EXAM = ExamSpec(id="rv-fake", name="Fake Exam", country="US", authority="Test", sources=(SRC,),
                        retake_after_pass="allowed", retake_after_pass_source=SRC,
                        scale=DatedValues.constant(Scale(1, 300), SRC))

        @hookimpl
        def retake_register_exams(register):
            register(EXAM)

        @hookimpl
        def retake_assess(exam, profile, as_of):
            raise RuntimeError("assessment exploded")
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("RETAKE_DASHBOARD_PLUGINS", "rv_broken_assess")
    at = start()
    at.selectbox(key="exam").set_value("rv-fake")
    rerun(at)
    assert any("rv\\_broken\\_assess plugin failed" in e and "assessment exploded" in e for e in errors(at))
    at.selectbox(key="exam").set_value("usmle-step2ck")
    rerun(at)
    assert "A retake is not allowed" in decision(at)


# --- tabs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_renders(tab):
    at = start(tab=tab)
    assert "A retake is not allowed" in decision(at)


def test_pictures_tab_draws_the_flowchart_and_charts():
    at = start(tab="Pictures")
    graphs = at.get("graphviz_chart")
    assert len(graphs) == 1
    dot = graphs[0].proto.spec
    assert "B -> C [label=\"no\", color=\"#1565c0\"" in dot
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2
    score_spec = json.loads(charts[0].proto.spec)
    assert "pass mark" in json.dumps(score_spec)


def test_plugins_tab_lists_versions():
    at = start(tab="Plugins")
    table = tables(at)[0]
    assert {"usmle", "plab"} <= set(table["plugin"])
    assert set(table["version"]) != {""}


def test_batch_tab_judges_a_file_with_per_row_errors(monkeypatch):
    captured = _capture_downloads(monkeypatch)
    at = start(tab="Batch")
    rows = "\n".join([
        "exam,attempt1_date,attempt1_score,target_country,target_specialty",
        "usmle-step2ck,2025-09-14,221,US,internal-medicine",
        "usmle-step2ck,2025-09-14,999,US,internal-medicine",
    ])
    at.file_uploader(key="batch_file").upload("people.csv", rows.encode(), "text/csv")
    rerun(at)
    table = tables(at)[0]
    assert len(table) == 2
    assert table["decision"][0] == "A retake is not allowed"  # words in the table, ids in the files
    assert "attempt1_score" in table["error"][1]
    assert any("2 rows" in m.value for m in at.markdown)
    assert "people-verdicts.csv" in captured and b"not_allowed" in captured["people-verdicts.csv"]


def test_batch_tab_judges_an_upload_once(monkeypatch):
    """Reruns (a click, a download) show the kept result; the file is judged again only when it changes."""
    from core import batch as core_batch

    calls = []
    real = core_batch.judge_upload

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(core_batch, "judge_upload", counting)
    at = start(tab="Batch")
    rows = "exam,attempt1_date,attempt1_score,target_country,target_specialty\nusmle-step2ck,2025-09-14,221,US,internal-medicine"
    at.file_uploader(key="batch_file").upload("people.csv", rows.encode(), "text/csv")
    rerun(at)
    rerun(at)
    rerun(at)
    assert calls == ["people.csv"]
    assert len(tables(at)[0]) == 1


def test_compare_routes_side_by_side():
    at = start(tab="Compare routes")
    at.button(key="route_add").click()
    rerun(at)
    at.file_uploader(key="route_files").upload("ielts.json", json.dumps(IELTS).encode(), "application/json")
    rerun(at)
    table = route_table(at)
    assert list(table.columns) == ["USMLE Step 2 CK (this form)", "IELTS Academic (added)"]
    assert table.loc["decision"].tolist() == ["A retake is not allowed", "No valid pass: a retake is required"]
    assert any("different targets" in c.value for c in at.caption)
    at.button(key="route_rm_ielts-academic").click()
    rerun(at)
    assert list(route_table(at).columns) == ["USMLE Step 2 CK (this form)"]


# --- what if ------------------------------------------------------------------------------------


def test_what_if_sliders_rerun_the_verdict_live():
    at = start(tab="What if")
    at.selectbox(key="specialty").set_value("pediatrics")
    at.radio(key="setting").set_value("university")
    rerun(at)
    assert at.select_slider(key="wi_score").value == 236.0
    at.select_slider(key="wi_score").set_value(241.0)
    at.radio(key="wi_stance").set_value("yes")
    rerun(at)
    what_if = next(m.value for m in at.markdown if m.value.startswith("**What if:**"))
    # Issue 10: no retake plan moves a passed Step: the what-if answer stays at E, never J.
    assert "end J" not in what_if and "end E" in what_if
    assert "Flowchart end E" in outcome(at), "the sliders leave the profile alone"


def test_what_if_lists_the_smallest_changes_and_applies_one():
    at = start(tab="What if")
    changes = [m.value for m in at.markdown if "the answer becomes" in m.value]
    assert changes and "General Surgery" in changes[0]
    at.button(key="wi_change_0").click()
    rerun(at)
    assert at.selectbox(key="specialty").value == "general-surgery"
    assert "Flowchart end E" in outcome(at)


def test_what_if_months_slider():
    at = start(tab="What if")
    for key, value in {"specialty": "pediatrics", "setting": "university", "predicted_score": 241.0,
                       "stance": "yes"}.items():
        at.session_state[key] = value
    rerun(at)
    at.select_slider(key="wi_months").set_value(1)
    rerun(at)
    # Issue 10: a passed Step's score stands; the timeline cannot make a retake (I or J) an answer.
    what_if = next(m.value for m in at.markdown if m.value.startswith("**What if:**"))
    assert "end I" not in what_if and "end J" not in what_if


# --- upload / download --------------------------------------------------------------------------


def _capture_downloads(monkeypatch) -> dict[str, bytes]:
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            captured[filename] = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode()
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return captured


def test_upload_yaml_then_download_the_same_profile(monkeypatch):
    captured = _capture_downloads(monkeypatch)
    at = start()
    upload_profile(at, PROFILE, "mine.yaml")
    assert "Flowchart end E" in outcome(at)
    assert any("Opened from: file mine" in c.value for c in at.caption)
    assert at.selectbox(key="specialty").value == "general-surgery"
    rerun(at)
    downloaded = yaml.safe_load(captured["usmle-step2ck.yaml"])
    assert downloaded == {**PROFILE, "application": downloaded["application"]}
    as_json = json.loads(captured["usmle-step2ck.json"])
    assert as_json["target"]["specialty"] == "general-surgery"
    verdict = json.loads(captured["verdict-usmle-step2ck-2026-11-25.json"])
    assert verdict["outcome"] == "adjust_targets"


def test_upload_json_with_sub_scores():
    at = start()
    upload_profile(at, IELTS, "ielts.json")
    assert "No valid pass" in decision(at)
    frame = at.data_editor[0].value
    assert frame["part: writing"].tolist() == [6.0]


def test_choosing_an_example_reloads_the_form():
    at = start()
    at.selectbox(key="specialty").set_value("radiology")
    rerun(at)
    version = at.session_state["attempts_version"]
    at.button(key="example_reload").click()
    rerun(at)
    assert at.session_state["attempts_version"] == version + 1
    assert at.selectbox(key="specialty").value == "internal-medicine"


@pytest.mark.parametrize("name", __import__("core.examples", fromlist=["names"]).names())
def test_every_built_in_example_opens_with_a_verdict_and_all_pictures(name):
    at = start(tab="Pictures", example=name)
    at.button(key="example_reload").click()
    rerun(at)
    assert not errors(at), errors(at)
    assert decision(at)
    assert len(at.get("graphviz_chart")) == 1
    at.session_state["tab"] = "What if"
    rerun(at)


def test_retake_dashboard_example_option_picks_the_first_example(monkeypatch):
    from core import examples

    name = examples.names()[-1]
    monkeypatch.setenv("RETAKE_EXAMPLE", name)
    at = start()
    assert at.selectbox(key="example").value == name


# --- the candidate: other exams in the same form (issue 11) ----------------------------------------

CANDIDATES = Path(__file__).resolve().parents[2] / "examples" / "candidates"


def _cards(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and (" · :" in m.value or "still to sit" in m.value)]


def test_one_exam_stays_the_one_exam_form(monkeypatch):
    captured = _capture_downloads(monkeypatch)
    at = start()
    assert at.multiselect(key="other_exams").value == []
    assert not _cards(at)
    assert yaml.safe_load(captured["usmle-step2ck.yaml"])["exam"] == "usmle-step2ck"


def test_adding_an_exam_judges_the_candidate_with_one_card_per_exam(monkeypatch):
    captured = _capture_downloads(monkeypatch)
    at = start()
    at.multiselect(key="other_exams").select("usmle-step1")
    rerun(at)
    at.session_state[f"other-usmle-step1-{at.session_state['attempts_version']}"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"date": f"202{n}-0{n}-10", "result": "fail"} for n in range(1, 5)]}
    rerun(at)
    cards = _cards(at)
    assert len(cards) == 2 and "USMLE Step 1" in cards[1] and "USMLE Step 2 CK" in cards[0]
    saved = yaml.safe_load(captured["candidate.yaml"])
    assert list(saved["exams"]) == ["usmle-step2ck", "usmle-step1"]
    assert len(saved["exams"]["usmle-step1"]["attempts"]) == 4
    # Removing it gives back the one-exam form and its verdict.
    at.multiselect(key="other_exams").unselect("usmle-step1")
    rerun(at)
    assert not _cards(at) and "A retake is not allowed" in decision(at)


def test_a_candidate_file_fills_the_form_and_the_timeline_is_drawn():
    at = start(tab="Pictures")
    upload_profile(at, yaml.safe_load((CANDIDATES / "uk-plab.yaml").read_text()), "uk.yaml")
    assert at.selectbox(key="exam").value == "ielts-academic"  # the first exam with sittings
    assert at.multiselect(key="other_exams").value == ["plab1", "plab2"]
    cards = _cards(at)
    assert len(cards) == 3 and "still to sit" in cards[2]
    assert any(s.value == "When does each exam's window open and close?" for s in at.subheader)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert any("today (2026-11-25)" in json.dumps(spec) for spec in specs)
    assert not errors(at)


def test_the_example_list_comes_from_the_plugins_and_names_each_plugin():
    from core.plugin_examples import all_examples
    from core.pipeline import default_pipeline

    shipped = all_examples(default_pipeline().registry)
    at = start()
    box = at.selectbox(key="example")
    assert box.options == [f"{e.name} ({e.plugin} plugin)" for e in shipped]
    assert "nac-pass (mccqe plugin)" in box.options  # shipped by a plugin, not a core copy
    box.set_value("nac-pass")
    rerun(at)
    assert at.selectbox(key="exam").value == "nac"
    assert any("from the mccqe plugin" in c.value for c in at.caption)


def _capture_deferred(monkeypatch) -> dict[str, Any]:
    """The callables of download buttons built only when clicked (the reports), by file name."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    captured: dict[str, Any] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = data
        return original(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return captured


def test_download_report_with_a_candidate_open_is_the_candidate_report(monkeypatch):
    """The report button builds what `retake report` writes for the profile the dashboard downloads: with
    several exams open, the candidate report (every exam, the timeline across them), not the form's exam alone."""
    from core.pipeline import default_pipeline
    from frontends import report

    deferred = _capture_deferred(monkeypatch)
    downloads = _capture_downloads(monkeypatch)
    at = start()
    upload_profile(at, yaml.safe_load((CANDIDATES / "uk-plab.yaml").read_text()), "uk.yaml")
    stem = f"retake-report-candidate-{AS_OF.isoformat()}"
    assert {f"{stem}.pdf", f"{stem}.html"} <= set(deferred)
    html = deferred[f"{stem}.html"]().decode()
    for name in ("IELTS Academic", "PLAB 1", "PLAB 2"):
        assert f"<strong>{name}: <span" in html, name  # its summary line
    assert "Timeline across your exams" in html
    saved = yaml.safe_load(downloads["candidate.yaml"])
    expected = report.render(report.any_report_for(saved, AS_OF, default_pipeline()), ".html").decode()
    assert html == expected


def test_download_report_with_one_exam_is_the_one_exam_report(monkeypatch):
    from core.pipeline import default_pipeline
    from frontends import report

    deferred = _capture_deferred(monkeypatch)
    downloads = _capture_downloads(monkeypatch)
    start()
    html = deferred[f"retake-report-usmle-step2ck-{AS_OF.isoformat()}.html"]().decode()
    assert "Timeline across your exams" not in html
    saved = yaml.safe_load(downloads["usmle-step2ck.yaml"])
    assert html == report.render(report.any_report_for(saved, AS_OF, default_pipeline()), ".html").decode()


def test_compare_routes_with_a_candidate_open_gives_a_column_per_exam_as_its_card_says():
    """A candidate's exams are judged together: the compare view's columns say what the cards say (the form's
    Step 2 CK judged alone would read 'a retake is required'; with four failed Step 1s it is not allowed)."""
    at = start(tab="Compare routes")
    upload_profile(at, yaml.safe_load((CANDIDATES / "us-usmle.yaml").read_text()), "us.yaml")
    table = route_table(at)
    assert list(table.columns) == ["USMLE Step 1 (this form)", "USMLE Step 2 CK (this form)",
                                   "USMLE Step 3 (this form)"]
    assert table.loc["decision"].tolist() == ["A retake is not allowed", "A retake is not allowed",
                                           "still to sit; a limit passed on 2024-02-20"]
    cards = _cards(at)
    for exam, decision_text in zip(["USMLE Step 1", "USMLE Step 2 CK"], table.loc["decision"]):
        assert any(card.startswith(f"**{exam}**") and decision_text in card for card in cards), (exam, cards)
    # Step 3 has no sittings, but the Step 1 limit closed it: its card says so, as the column does.
    assert [w.value for w in at.warning if "A limit passed on 2024" in w.value] == [
        "A limit passed on 2024\\-02\\-20\\: USMLE Step 3 is closed to you from this day\\: 4 attempts at USMLE "
        "Step 1 without a pass reached the limit of 4, which ends eligibility for every USMLE Step\\."]
    # Added, then the form changed: the added candidate stays as its own route beside this form's.
    at.button(key="route_add").click()
    rerun(at)
    at.multiselect(key="other_exams").unselect("usmle-step3")
    rerun(at)
    columns = list(route_table(at).columns)
    assert columns[:2] == ["USMLE Step 1 (this form)", "USMLE Step 2 CK (this form)"]
    assert columns[2:] == ["USMLE Step 1 (added)", "USMLE Step 2 CK (added)", "USMLE Step 3 (added)"]
    key = "usmle-step1+usmle-step2ck+usmle-step3"
    at.button(key=f"route_rm_{key}").click()
    rerun(at)
    assert len(route_table(at).columns) == 2


def test_each_card_says_its_decision_label_once_then_the_headlines_words():
    at = start()
    upload_profile(at, yaml.safe_load((CANDIDATES / "uk-plab.yaml").read_text()), "uk.yaml")
    cards = _cards(at)
    assert any(c.startswith("**PLAB 1** · :orange[**A retake is not allowed**]") for c in cards), cards
    captions = [c.value for c in at.caption]
    assert any(c.startswith("You passed PLAB 1, and the GMC") for c in captions), captions
    assert not any(c.startswith("A retake is not allowed") for c in captions)
