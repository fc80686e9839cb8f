"""The Retake Verdict dashboard (Streamlit). Start it with `retake dashboard` or `make run`.

A thin front end: the profile form on the left, core's verdict on the right, in tabs for the
verdict's details, pictures, what-if, other routes, batch files and plugins. Every verdict comes
from `core.pipeline.Pipeline.evaluate`; this file only gathers input and renders.

Nothing the user enters is stored or sent anywhere: the verdict is computed in this process and
lives only in the browser session's memory.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import streamlit as st

from core import examples
from core.errors import FieldError, PluginError, ProfileError, RetakeError
from core.loading import parse_text
from core.profile import parse_profile
from core.loading import MAX_PROFILE_BYTES
from frontends import cases_page, form, panels, tools
from frontends.session import get_pipeline, plain

PROFILE_LIMIT_KB = MAX_PROFILE_BYTES // 1024
# The pages: about this person, then the advisor's tools. Two short rows of pills, so every name stays
# visible on a phone (tabs and a single row of pills would scroll sideways there).
PERSON_PAGES = ["Verdict", "Pictures", "What if", "Compare routes"]
TOOL_PAGES = ["Batch", "Plugins", "Cases"]
TABS = PERSON_PAGES + TOOL_PAGES
PAGE_LABELS = {"Compare routes": "Routes"}

# A narrower sidebar (240 px) leaves the form room for every attempts column at 1400 px.
st.set_page_config(page_title="Retake Verdict", page_icon="⚖️", layout="wide", initial_sidebar_state=240)
ss = st.session_state
pipeline = get_pipeline()
registry = pipeline.registry

# --- loading a profile into the form ---------------------------------------------------------------


def load_profile(data: Any, origin: str) -> list[FieldError]:
    """Put a raw profile (from an example or a file) into the form; return its errors instead if invalid."""
    try:
        profile = parse_profile(data)
    except ProfileError as exc:
        return exc.errors
    for key, value in form.widget_values(profile).items():
        ss[key] = value
    ss.attempts_base = form.attempt_rows(profile)
    ss.attempts_version = ss.get("attempts_version", 0) + 1
    ss.loaded_from = origin
    ss.pop("exam_switch_notes", None)
    return []


def on_example() -> None:
    load_profile(examples.load(ss.example), f"example {ss.example}")


def on_exam_change() -> None:
    # Keep the dates and results typed so far (the table is rebuilt with the new exam's columns); clear
    # what meant something only for the old exam (scores off the new scale, its sub-scores, its pass
    # marks, a prediction on its scale); follow the exam's country, which the user may change back.
    exam = registry.exams.get(ss.exam)
    rows = ss.get("attempts_current", ss.get("attempts_base", []))
    ss.attempts_base, cleared = form.rows_for_exam(rows, exam)
    ss.attempts_version = ss.get("attempts_version", 0) + 1
    # Until the attempts are edited, what the new exam still needs is shown as next steps, not as errors.
    ss.exam_switch_notes = [f"Switched to {exam.name if exam else ss.exam}: dates and results kept"
                            + (f"; cleared the old exam's {' and '.join(cleared)}." if cleared else ".")]
    if exam is not None:
        ss.country = exam.country
        on_country_change()
        scale = exam.scale_on(ss.as_of)
        if ss.get("predicted_score") is not None and (scale is None or not scale.contains(ss.predicted_score)):
            ss.predicted_score = None  # a prediction on the old exam's scale means nothing on this one


def on_country_change() -> None:
    # A specialty the new country does not list would be a stale value: fall back to the country's first.
    known = registry.specialties(ss.country)
    if ss.get("specialty") not in known:
        ss.specialty = "internal-medicine" if "internal-medicine" in known else next(iter(sorted(known)), None)


if "attempts_base" not in ss:
    # `retake dashboard --example NAME` passes the example it opens on.
    first = os.environ.get("RETAKE_EXAMPLE", examples.DEFAULT)
    ss.example = first if first in examples.names() else examples.DEFAULT
    load_profile(examples.load(ss.example), f"example {ss.example}")
if "as_of" not in ss:
    ss.as_of = date.today()

def _pick(widget: str, other: str) -> None:
    # One page is shown at a time: picking in one row clears the other; clicking the open page again keeps it.
    if ss.get(widget) is None:
        ss[widget] = ss.get("tab")
    else:
        ss.tab = ss[widget]
        ss[other] = None


def page_pills() -> None:
    """The page chooser; `st.session_state.tab` holds the page shown (tests and links set it directly)."""
    if ss.get("tab") not in TABS:
        ss.tab = TABS[0]
    ss.tab_person = ss.tab if ss.tab in PERSON_PAGES else None
    ss.tab_tools = ss.tab if ss.tab in TOOL_PAGES else None
    # One row each, full width: side by side, "Cases" was cut off at 1400 px (the verdict column is ~520 px).
    st.pills("About you", PERSON_PAGES, key="tab_person", format_func=lambda p: PAGE_LABELS.get(p, p),
             on_change=_pick, args=("tab_person", "tab_tools"))
    st.pills("Advisor tools", TOOL_PAGES, key="tab_tools", on_change=_pick, args=("tab_tools", "tab_person"))


# --- sidebar: where the profile comes from, where it goes -------------------------------------------

with st.sidebar:
    st.title("⚖️ Retake Verdict")
    st.caption("Should you retake a licensing exam? A sourced, dated verdict.")
    st.selectbox("Start from an example", examples.names(), key="example", on_change=on_example)
    st.button("Reload the example", key="example_reload", on_click=on_example, width="stretch")
    upload = st.file_uploader("Open a profile (YAML or JSON)", type=["yaml", "yml", "json"], key="upload",
                              max_upload_size=1, help=f"A profile file of up to {PROFILE_LIMIT_KB} KB.")
    if upload is not None and ss.get("loaded_upload") != upload.file_id:
        ss.loaded_upload = upload.file_id
        try:
            ss.upload_errors = load_profile(parse_text(upload.getvalue(), name=upload.name), f"file {upload.name}")
        except ProfileError as exc:
            ss.upload_errors = exc.errors
    for error in ss.get("upload_errors", []) if upload is not None else []:
        st.error(f"Not loaded: {plain(str(error))}")
    st.date_input("Judge as of", key="as_of", help="Policies in force on this day apply.")
    download_slot = st.container()
    st.caption("Nothing you enter is sent anywhere: the verdict is computed in memory on this server for your "
               "browser session only, and stored only if you save it as a case (a file on this machine).")
    failed = registry.load_errors
    if failed:
        st.warning(f"{len(failed)} plugin(s) failed to load and are skipped: "
                   + ", ".join(plain(p.name) for p in failed) + ". See the Plugins tab.")

as_of: date = ss.as_of
st.caption(f"Opened from: {plain(ss.get('loaded_from', 'your own entries'))}. Change anything: the verdict follows.")
# The verdict column comes first: on a phone, where columns stack, the answer is the first thing seen.
col_out, col_in = st.columns(2, gap="medium")

# --- the form -------------------------------------------------------------------------------------

with col_in:
    profile_data, exam, plan_box = panels.profile_form(registry, on_exam_change, on_country_change)

# --- the verdict ----------------------------------------------------------------------------------

verdict = profile = None
errors: list[FieldError] = []
fault = ""
try:
    profile = parse_profile(profile_data)
    verdict = pipeline.evaluate(profile, as_of)
except ProfileError as exc:
    errors = exc.errors
except PluginError as exc:
    fault = f"The {exc.plugin} plugin failed while {exc.stage}: {exc.detail}. Other exams keep working."
except RetakeError as exc:
    fault = f"The rules could not reach a verdict: {exc}"

with col_in:
    panels.plan_inputs(plan_box, exam, verdict)

with download_slot:
    stem = (profile_data.get("exam") or "profile").replace("/", "-")
    st.download_button("Download profile (YAML)", form.to_yaml(profile_data), file_name=f"{stem}.yaml",
                       mime="application/x-yaml", key="download_yaml", width="stretch")
    st.download_button("Download profile (JSON)", form.to_json(profile_data), file_name=f"{stem}.json",
                       mime="application/json", key="download_json", width="stretch")
    if verdict is not None and profile is not None:
        panels.report_button(verdict, profile, pipeline)
    cases_page.save_control(profile_data, as_of, pipeline)

with col_out:
    if verdict is not None:
        panels.headline(verdict, registry, pipeline.rules)
    elif errors and ss.get("exam_switch_notes"):
        panels.show_next_steps(errors, exam)  # just switched exams: what to fill in, not a failure
    elif errors:
        panels.show_errors(errors)
    else:
        st.error(plain(fault))
    page_pills()
    shown = ss.get("tab") or TABS[0]
    if shown == "Verdict" and verdict is not None:
        panels.verdict_details(verdict)
    elif shown == "Pictures" and verdict is not None and profile is not None and exam is not None:
        panels.pictures(verdict, profile, exam, registry)
    elif shown == "What if":
        tools.what_if(pipeline, profile, verdict, as_of)
    elif shown == "Compare routes":
        tools.compare_routes(pipeline, profile_data, as_of)
    elif shown == "Batch":
        tools.batch(pipeline, as_of)
    elif shown == "Plugins":
        panels.plugins(registry)
    elif shown == "Cases":
        cases_page.cases_view(pipeline, as_of, load_profile)
