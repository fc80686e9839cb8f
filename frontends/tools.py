"""The dashboard's tools: what-if, compare routes, batch files. Rendering and input only.

Every verdict shown here still comes from the pipeline; the smallest changes come from
`core.whatif`, the batch records from `core.batch`. Results are kept in the browser session's state
only (never a process-wide cache), so one person's profile is never kept for anyone else.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from core.candidate import is_candidate_form, parse_candidate
from core.candidate_verdict import evaluate_candidate
from core.errors import FieldError, ProfileError, RetakeError
from core.loading import parse_text
from core.profile import Profile, parse_profile
from core.pipeline import Pipeline
from core.timeline import to_sit_limits
from core.verdict import DECISION_TEXT, OUTCOME_NODE, OUTCOME_TEXT, Verdict
from core.whatif import apply_fields, smallest_changes
from frontends import charts, form
from frontends.panels import EVIDENCE_LABELS, STANCE_LABELS, show_errors
from frontends.session import plain

MONTH_OPTIONS = ["unknown"] + list(range(0, 37))
BATCH_LIMIT_MB = 10  # the same cap `retake dashboard` gives Streamlit (--server.maxUploadSize)


def _answer(verdict: Verdict) -> str:
    colour = charts.DECISION_COLOURS[verdict.decision]
    text = f":{colour}[**{DECISION_TEXT[verdict.decision]}**]"
    if verdict.outcome:
        text += f" · end {OUTCOME_NODE[verdict.outcome]}: {plain(OUTCOME_TEXT[verdict.outcome])}"
    return text


# --- what if --------------------------------------------------------------------------------------


def _apply_to_form(fields: dict[str, Any]) -> None:
    """Button callback: write what-if fields into the form's widgets (before the next run draws them)."""
    keys = {path: key for path, key in form.FIELD_KEYS.items()}
    for path, value in fields.items():
        if path in keys:
            st.session_state[keys[path]] = float(value) if path == "plan.predicted_score" and value is not None else value
    st.session_state.pop("wi_sig", None)


def _score_options(profile: Profile, verdict: Verdict, pipeline: Pipeline, as_of: date) -> list[Any]:
    scale = pipeline.registry.exam(profile.exam).scale_on(as_of)
    if scale is None or verdict.score is None:
        return []
    step = 1.0 if scale.high - scale.low >= 50 else 0.5
    known = [v for v in (verdict.score, profile.plan.predicted_score) if v is not None]
    low = max(scale.low, min(known) - (40 * step if step == 1.0 else 2))
    values, value = [], low
    while value <= scale.high:
        values.append(value)
        value = round(value + step, 4)
    if profile.plan.predicted_score is not None and profile.plan.predicted_score not in values:
        values = sorted(values + [profile.plan.predicted_score])
    return ["none"] + values


def what_if(pipeline: Pipeline, profile: Profile | None, verdict: Verdict | None, as_of: date) -> None:
    ss = st.session_state
    if profile is None or verdict is None:
        st.info("Fix the profile first: the what-if starts from a profile that can be judged.")
        return
    plan = profile.plan
    scores = _score_options(profile, verdict, pipeline, as_of)
    defaults = {
        "wi_score": plan.predicted_score if plan.predicted_score is not None else "none",
        "wi_evidence": plan.evidence,
        "wi_months": plan.months_to_application if plan.months_to_application is not None else "unknown",
        "wi_stance": profile.programs_accept_retakes,
    }
    signature = json.dumps([profile.exam, defaults], default=str)
    if ss.get("wi_sig") != signature or any(k not in ss for k in defaults):
        for key, value in defaults.items():
            ss[key] = value
        ss.wi_sig = signature
    months = MONTH_OPTIONS + ([ss.wi_months] if ss.wi_months not in MONTH_OPTIONS else [])

    st.markdown("Move the sliders: the verdict is judged again by the same rules, live.")
    left, right = st.columns(2)
    with left:
        if scores:
            st.select_slider("Predicted retake score", scores, key="wi_score",
                            format_func=lambda v: v if isinstance(v, str) else f"{v:g}")
        else:
            st.caption("This exam reports pass/fail only: there is no score to predict.")
        st.selectbox("Evidence for it", list(EVIDENCE_LABELS), key="wi_evidence", format_func=EVIDENCE_LABELS.get)
    with right:
        st.select_slider("Months to application", months, key="wi_months")
        st.radio("Programs' stance on retakes", list(STANCE_LABELS), key="wi_stance", horizontal=True,
                 format_func=STANCE_LABELS.get)

    fields = {
        "plan.predicted_score": None if ss.get("wi_score", "none") == "none" or not scores else float(ss.wi_score),
        "plan.evidence": ss.wi_evidence,
        "plan.months_to_application": None if ss.wi_months == "unknown" else int(ss.wi_months),
        "programs_accept_retakes": ss.wi_stance,
    }
    try:
        changed = pipeline.evaluate(apply_fields(profile, fields), as_of)
    except ProfileError as exc:
        show_errors(exc.errors)
        changed = None
    if changed is not None:
        with st.container(border=True, key="whatif_result"):
            st.markdown(f"**Your profile:** {_answer(verdict)}")
            st.markdown(f"**What if:** {_answer(changed)}")
            same = (changed.decision, changed.outcome) == (verdict.decision, verdict.outcome)
            if same:
                st.caption("Same answer as your profile.")
            else:
                st.success("This changes the answer.")
            st.button("Use these values in my profile", on_click=_apply_to_form, args=(fields,), key="wi_apply",
                      disabled=all(ss[k] == v for k, v in defaults.items()))
    st.subheader("The smallest changes that flip your answer")
    memo_key = json.dumps([profile.model_dump(mode="json"), as_of.isoformat(), pipeline.rules_version], default=str)
    if ss.get("wi_memo_key") != memo_key:
        try:
            ss.wi_memo = [c.to_dict() for c in smallest_changes(profile, as_of, pipeline, limit=8)]
        except RetakeError as exc:
            ss.wi_memo = []
            st.error(plain(f"The what-if search failed: {exc}"))
        ss.wi_memo_key = memo_key
    if not ss.wi_memo:
        st.caption("No small change to the plan, the programs' stance, the setting or a nearby specialty "
                   "changes this answer.")
    for number, change in enumerate(ss.wi_memo):
        with st.container(border=True):
            text, button = st.columns([5, 1], vertical_alignment="center")
            text.markdown(plain(change["change"]))
            button.button("Apply", key=f"wi_change_{number}", on_click=_apply_to_form, args=(change["fields"],),
                          help="Put this change into the form on the left.")

    if changed is not None:
        with st.expander("The what-if path through the flowchart"):
            st.graphviz_chart(charts.flowchart_dot(changed), width="stretch")


# --- compare routes -------------------------------------------------------------------------------


def _route_key(data: dict[str, Any]) -> str:
    """A route's place in the comparison: its exam, or a candidate's exams (one entry per person's set)."""
    if is_candidate_form(data):
        return "+".join(str(e) for e in (data.get("exams") or {}))
    return str(data.get("exam"))


def _add_route(data: dict[str, Any]) -> None:
    st.session_state.setdefault("routes", {})[_route_key(data)] = data


def _remove_route(key: str) -> None:
    st.session_state.setdefault("routes", {}).pop(key, None)


def compare_routes(pipeline: Pipeline, current: dict[str, Any], as_of: date) -> None:
    """Routes side by side. A route is a profile: one exam judged alone, or a candidate whose exams are
    judged together (rules across exams), one column per exam, so each column says what that exam's card says."""
    ss = st.session_state
    routes: dict[str, dict[str, Any]] = ss.setdefault("routes", {})
    st.markdown("Your standing under each exam you have attempts for, side by side. Add this form's profile, "
                "then pick another exam on the left, enter its attempts and add it too; or open saved profiles. "
                "A candidate profile (several exams) gives a column per exam, judged together as on its cards.")
    left, right = st.columns(2)
    left.button("Add this profile to the comparison", on_click=_add_route, args=(current,), key="route_add")
    files = right.file_uploader("Open profiles for other exams", type=["yaml", "yml", "json"],
                                accept_multiple_files=True, key="route_files", max_upload_size=1)
    seen = ss.setdefault("route_files_seen", {})
    for upload in files or []:
        if upload.file_id not in seen:
            try:
                data = parse_text(upload.getvalue(), name=upload.name)
                parse_candidate(data) if is_candidate_form(data) else parse_profile(data)
                _add_route(data)
                seen[upload.file_id] = None
            except ProfileError as exc:
                seen[upload.file_id] = "; ".join(str(e) for e in exc.errors)
        if seen[upload.file_id]:
            st.error(plain(f"{upload.name} not added: {seen[upload.file_id]}"))

    mine = _route_key(current)
    entries = [("this form", mine, current)] + [("added", key, d) for key, d in routes.items() if key != mine]
    columns: dict[str, dict[str, Any]] = {}
    headlines = st.columns(min(len(entries), 4))
    for number, (origin, key, data) in enumerate(entries):
        judged = _route_columns(pipeline, data, as_of)
        with headlines[number % len(headlines)].container(border=True):
            for name, column in judged:
                label = f"{name} ({origin})"
                while label in columns:  # the same exam in two added candidates
                    label = f"{label[:-1]}, again)"
                columns[label] = column
                st.markdown(f"**{plain(label)}**  \n{column.pop('_headline')}")
            if origin == "added":
                st.button("Remove", key=f"route_rm_{key}", on_click=_remove_route, args=(key,))
    # A static table: its cells wrap, so three or four exams side by side fit the column (and a phone)
    # instead of hiding behind a sideways scroll.
    st.table(pd.DataFrame(columns).astype(str))
    if len(entries) == 1:
        st.caption("Only one route so far.")
    targets = {json.dumps(d.get("target"), sort_keys=True, default=str) for _, _, d in entries}
    if len(targets) > 1:
        st.caption("Note: the routes have different targets, so their answers are not about the same goal.")


def _exam_name(pipeline: Pipeline, exam_id: str) -> str:
    exam = pipeline.registry.exams.get(exam_id)
    return exam.name if exam else exam_id


def _route_columns(pipeline: Pipeline, data: dict[str, Any], as_of: date) -> list[tuple[str, dict[str, Any]]]:
    """(exam name, its column) for each exam of the route: one for a one-exam profile, one per exam of a
    candidate (its verdicts judged with the whole candidate, like the cards; exams still to sit say so)."""
    candidate = is_candidate_form(data)
    names = list(data.get("exams") or {}) if candidate else [str(data.get("exam"))]
    try:
        if not candidate:
            return [(_exam_name(pipeline, names[0]), _verdict_column(pipeline.evaluate(data, as_of), data, as_of))]
        result = evaluate_candidate(data, as_of, pipeline)
    except ProfileError as exc:
        return [(_exam_name(pipeline, e), {"_headline": ":red[profile error]", "decision": "—",
                                           "problem": "; ".join(str(x) for x in exc.errors)}) for e in names]
    except RetakeError as exc:
        return [(_exam_name(pipeline, e), {"_headline": ":red[internal fault]", "decision": "—",
                                           "problem": str(exc)}) for e in names]
    found = []
    for exam_id in result.candidate.exams:
        verdict = result.verdicts.get(exam_id)
        column = (_verdict_column(verdict, data, as_of) if verdict is not None
                  else _to_sit_column(result, exam_id, data))
        found.append((_exam_name(pipeline, exam_id), column))
    return found


def _target(data: dict[str, Any]) -> str:
    target = data.get("target") or {}
    return f"{target.get('specialty', 'not known')} · {target.get('country', 'not known')} · {target.get('setting', 'any')}"


def _verdict_column(verdict: Verdict, data: dict[str, Any], as_of: date) -> dict[str, Any]:
    elig = verdict.eligibility
    return {
        "_headline": _answer(verdict),
        "decision": DECISION_TEXT[verdict.decision],
        "flowchart end": f"{OUTCOME_NODE[verdict.outcome]}: {OUTCOME_TEXT[verdict.outcome]}" if verdict.outcome else "—",
        "score (band)": "—" if verdict.score is None else
        f"{verdict.score:g}" + (f" ({verdict.band.label})" if verdict.band else ""),
        "passed": "yes" if elig.passed else "not yet",
        "attempts used / left": f"{elig.attempts_used} / " + ("no limit" if elig.attempts_left is None else str(elig.attempts_left)),
        "earliest retake": (elig.earliest_date.isoformat() if elig.earliest_date else "not known") if elig.can_retake
        else "none: a retake is not possible",
        "next deadline": f"{elig.deadline.isoformat()} ({(elig.deadline - as_of).days} days)" if elig.deadline
        else "none recorded",
        "red flags": len(verdict.red_flags),
        "target": _target(data),
    }


def _to_sit_column(result: Any, exam_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """An exam the candidate still has to sit: no verdict; its limits from the candidate's timeline."""
    ahead, passed = to_sit_limits(result.timeline, exam_id)
    headline = "**still to sit**: no sittings yet, so no retake verdict"
    if passed is not None:
        headline += f". A limit passed on {passed.date.isoformat()}: {plain(passed.text)}"
    return {"_headline": headline,
            "decision": "still to sit" + (f"; a limit passed on {passed.date.isoformat()}" if passed else ""),
            "flowchart end": "—", "score (band)": "—", "passed": "not yet", "attempts used / left": "0 / —",
            "earliest retake": "—",
            "next deadline": f"{ahead.date.isoformat()} ({ahead.days_left} days)" if ahead else "none recorded",
            "red flags": "—", "target": _target(data)}


# --- batch ----------------------------------------------------------------------------------------


def _judged_upload(core_batch: Any, upload: Any, as_of: date, pipeline: Pipeline) -> list[dict[str, Any]]:
    """The upload's records, judged once per (file, as-of day, rules) and kept in this browser session
    only: a click elsewhere (a download, another page and back) reruns the script but not the batch."""
    key = (upload.file_id, as_of, pipeline.rules_version)
    kept = st.session_state.get("batch_judged")
    if kept is None or kept[0] != key:
        _fmt, records, _stats = core_batch.judge_upload(upload.getvalue(), upload.name, as_of, pipeline)
        kept = st.session_state.batch_judged = (key, records)
    return kept[1]


def batch(pipeline: Pipeline, as_of: date) -> None:
    try:
        from core import batch as core_batch
    except ImportError:
        st.info("Batch files need core.batch, which this installation does not have yet.")
        return
    st.markdown("Judge many people at once: a CSV (one row per person, columns such as `exam`, `attempt1_date`, "
                "`attempt1_score`, `target_specialty`…) or JSON Lines (one profile per line).")
    upload = st.file_uploader("Batch file (CSV or JSON Lines)", type=["csv", "jsonl", "ndjson"], key="batch_file",
                              max_upload_size=BATCH_LIMIT_MB, help=f"Up to {BATCH_LIMIT_MB} MB.")
    if upload is None:
        st.caption("CSV columns: " + ", ".join(core_batch.csv_columns(1)))
        return
    try:
        records = _judged_upload(core_batch, upload, as_of, pipeline)
    except ProfileError as exc:
        show_errors([FieldError(e.field or upload.name, e.message, e.given, e.allowed) for e in exc.errors])
        return
    frame = pd.DataFrame(records, columns=list(core_batch.OUTPUT_COLUMNS))
    frame["red_flags"] = frame["red_flags"].map(lambda v: ", ".join(v) if isinstance(v, list) else v)
    # Words, not ids: the downloads keep the ids (they are the batch contract), the table is for people.
    if "decision" in frame:
        frame["decision"] = frame["decision"].map(lambda v: DECISION_TEXT.get(v, v) if isinstance(v, str) else v)
    if "outcome" in frame:
        frame["outcome"] = frame["outcome"].map(
            lambda v: f"{OUTCOME_NODE[v]}: {OUTCOME_TEXT[v]}" if v in OUTCOME_TEXT else v)
    if "can_retake" in frame:
        frame["can_retake"] = frame["can_retake"].map(lambda v: {True: "yes", False: "no"}.get(v, ""))
    frame = frame.rename(columns=lambda c: c.replace("_", " "))
    frame = frame.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
    bad = sum(1 for r in records if r.get("error"))
    st.markdown(f"**{len(frame)} rows**: {len(frame) - bad} judged, {bad} with errors.")
    st.dataframe(frame, hide_index=True, width="stretch")
    stem = upload.name.rsplit(".", 1)[0]
    left, right = st.columns(2)
    left.download_button("Download results (CSV)", core_batch.records_text(records, "csv"),
                         file_name=f"{stem}-verdicts.csv", mime="text/csv", key="batch_csv")
    right.download_button("Download results (JSON Lines)", core_batch.records_text(records, "jsonl"),
                          file_name=f"{stem}-verdicts.jsonl", mime="application/x-ndjson", key="batch_jsonl")
