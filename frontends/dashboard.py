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

from core.errors import FieldError, PluginError, ProfileError, RetakeError
from core.candidate import is_candidate_form, parse_candidate
from core.candidate_verdict import evaluate_candidate
from core.loading import parse_text
from core.plugin_examples import all_examples, default_example
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
    """Put a raw profile (from an example or a file) into the form; return its errors instead if invalid.

    A candidate profile (`exams:`) fills the form with its first exam with sittings and lists the
    others under "Other exams of this candidate"."""
    others: dict[str, dict[str, Any]] = {}
    try:
        if is_candidate_form(data):
            parse_candidate(data)  # every error of the whole candidate, named by its exams.ID path
            data, others = form.split_candidate(data)
        profile = parse_profile(data)
    except ProfileError as exc:
        return exc.errors
    for key, value in form.widget_values(profile).items():
        ss[key] = value
    ss.other_exams = list(others)
    for exam_id, entry in others.items():
        ss[f"other_base_{exam_id}"] = form.attempt_rows(parse_candidate(
            {"target": data["target"], "exams": {exam_id: {"attempts": entry.get("attempts") or []}}}).exams[exam_id])
        ss[f"other_more_{exam_id}"] = {k: v for k, v in entry.items() if k != "attempts"}
    ss.attempts_base = form.attempt_rows(profile)
    ss.attempts_version = ss.get("attempts_version", 0) + 1
    ss.loaded_from = origin
    ss.pop("exam_switch_notes", None)
    return []


# The examples every loaded plugin ships (core.plugin_examples), each named with its plugin: a third-party
# plugin's examples (RETAKE_DASHBOARD_PLUGINS or an installed entry point) appear beside the built-ins.
EXAMPLES = {example.name: example for example in all_examples(registry)}


def example_label(name: str) -> str:
    example = EXAMPLES.get(name)
    return f"{name} ({example.plugin} plugin)" if example is not None and example.plugin else name


def load_example(name: str | None) -> None:
    example = EXAMPLES.get(name or "")
    if example is None:
        return
    try:
        data = example.data()
    except ProfileError as exc:  # a third party's example that does not parse: said, never a crash
        ss.example_errors = exc.errors
        return
    ss.example_errors = load_profile(data, f"example {name} (from the {example.plugin} plugin)")


def on_example() -> None:
    load_example(ss.example)


def on_exam_change() -> None:
    # Keep the dates and results typed so far (the table is rebuilt with the new exam's columns); clear
    # what meant something only for the old exam (scores off the new scale, its sub-scores, its pass
    # marks, a prediction on its scale); follow the exam's country, which the user may change back.
    exam = registry.exams.get(ss.exam)
    ss.other_exams = [e for e in ss.get("other_exams", []) if e != ss.exam]  # now the form's own exam
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
    fallback = default_example(registry)
    first = os.environ.get("RETAKE_EXAMPLE", fallback.name if fallback else "")
    ss.example = first if first in EXAMPLES else (fallback.name if fallback else None)
    ss.attempts_base = []  # the empty form, when no loaded plugin ships an example
    load_example(ss.example)
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
    st.selectbox("Start from an example", list(EXAMPLES), key="example", on_change=on_example,
                 format_func=example_label, placeholder="no plugin ships an example",
                 help="Examples come from the loaded plugins; each is named with the plugin that ships it.")
    if ss.get("example") in EXAMPLES and EXAMPLES[ss.example].title:
        st.caption(plain(EXAMPLES[ss.example].title))
    for error in ss.get("example_errors", []):
        st.error(f"Example not loaded: {plain(str(error))}")
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
    one_exam_data, exam, plan_box, others = panels.profile_form(registry, on_exam_change, on_country_change)
# Without other exams this is the one-exam profile, unchanged; with them, the candidate profile.
profile_data = form.build_candidate(one_exam_data, others)

# --- the verdict ----------------------------------------------------------------------------------

verdict = profile = candidate_result = None
shown_spec = exam
errors: list[FieldError] = []
fault = ""
try:
    if others:
        # Every exam judged with the whole candidate (rules across exams); the page details the form's
        # exam, or the first exam with a verdict when the form's exam is still to sit.
        candidate_result = evaluate_candidate(profile_data, as_of, pipeline)
        shown_exam = ss.exam if ss.exam in candidate_result.verdicts else next(iter(candidate_result.verdicts), None)
        if shown_exam is not None:
            verdict = candidate_result.verdicts[shown_exam]
            profile = candidate_result.candidate.profile(shown_exam)
            shown_spec = registry.exams.get(shown_exam, exam)
        else:
            fault = "No exam has sittings yet: add the sittings of at least one exam."
    else:
        profile = parse_profile(profile_data)
        verdict = pipeline.evaluate(profile, as_of)
except ProfileError as exc:
    errors = exc.errors
except PluginError as exc:
    fault = f"The {exc.plugin} plugin failed while {exc.stage}: {exc.detail}. Other exams keep working."
except RetakeError as exc:
    fault = f"The rules could not reach a verdict: {exc}"

with col_in:
    # The plan is the form's exam's: greyed by that exam's verdict only.
    form_verdict = verdict if verdict is None or verdict.exam == ss.exam else None
    panels.plan_inputs(plan_box, exam, form_verdict)

with download_slot:
    stem = (profile_data.get("exam") or ("candidate" if others else "profile")).replace("/", "-")
    st.download_button("Download profile (YAML)", form.to_yaml(profile_data), file_name=f"{stem}.yaml",
                       mime="application/x-yaml", key="download_yaml", width="stretch")
    st.download_button("Download profile (JSON)", form.to_json(profile_data), file_name=f"{stem}.json",
                       mime="application/json", key="download_json", width="stretch")
    if verdict is not None and profile is not None:
        panels.report_button(profile_data, as_of, pipeline)  # the candidate's report when it has other exams
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
    if candidate_result is not None:
        panels.exam_cards(candidate_result, registry, verdict.exam if verdict is not None else "")
    page_pills()
    shown = ss.get("tab") or TABS[0]
    if shown == "Verdict" and verdict is not None:
        panels.verdict_details(verdict)
    elif shown == "Pictures" and verdict is not None and profile is not None and exam is not None:
        if candidate_result is not None:
            panels.timeline(candidate_result, registry)
        panels.pictures(verdict, profile, shown_spec if candidate_result is not None else exam, registry)
    elif shown == "What if":
        tools.what_if(pipeline, profile, verdict, as_of)
    elif shown == "Compare routes":
        tools.compare_routes(pipeline, profile_data, as_of)  # a candidate: its exams judged together
    elif shown == "Batch":
        tools.batch(pipeline, as_of)
    elif shown == "Plugins":
        panels.plugins(registry)
    elif shown == "Cases":
        cases_page.cases_view(pipeline, as_of, load_profile)
