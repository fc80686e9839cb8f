"""The dashboard's panels: the profile form, the verdict, the pictures and the plugin list.

Rendering only. Every text that could hold user input goes through `plain` (no markdown, links or
HTML); verdict texts come from rules and are escaped as well, so a specialty name can never turn
into a link.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

import pandas as pd
import streamlit as st

from core.errors import FieldError
from core.exams import ExamSpec
from core.model import Profile
from core.plugins import Registry
from core.verdict import DECISION_TEXT, OUTCOME_NODE, OUTCOME_TEXT, Verdict
from frontends import charts, form
from frontends.session import plain

EVIDENCE_LABELS = {"practice-exams": "Practice exams (NBME, UWorld…)", "self-estimate": "My own estimate",
                   "none": "No evidence"}
STANCE_LABELS = {"yes": "Accept retakes", "no": "Turn away retakes", "unknown": "Don't know"}
SETTING_LABELS = {"community": "Community", "university": "University / academic", "any": "Any"}


# --- the form --------------------------------------------------------------------------------------


def profile_form(registry: Registry, on_exam_change: Callable[[], None]) -> tuple[dict[str, Any], ExamSpec | None]:
    """Every input of the profile; returns the profile as a contract dict, and the chosen exam."""
    ss = st.session_state
    exams = registry.exams
    exam_ids = sorted(exams, key=lambda e: (exams[e].country, exams[e].name))
    if ss.get("exam") not in exams:
        exam_ids.append(ss.get("exam"))
    with st.container(border=True):
        st.markdown("**Exam and attempts**")
        st.selectbox("Exam", exam_ids, key="exam", on_change=on_exam_change,
                     format_func=lambda e: f"{exams[e].name} · {exams[e].country}" if e in exams
                     else f"{e} (no loaded plugin offers it)")
        exam = exams.get(ss.exam)
        attempts = _attempts_editor(exam)

    with st.container(border=True):
        st.markdown("**Target**")
        countries = [e.country for e in exams.values()] + [s.country for s in registry.all_specialties() if s.country]
        left, right = st.columns(2)
        left.selectbox("Country", form.country_options(countries, ss.get("country")), key="country",
                       format_func=form.country_label)
        specialties = sorted(registry.specialties(ss.country).values(), key=lambda s: (s.competitiveness, s.name))
        names = {s.id: f"{s.name} (index {s.competitiveness})" for s in specialties}
        options = list(names) + ([ss.specialty] if ss.get("specialty") not in names else [])
        right.selectbox("Specialty", options, key="specialty",
                        format_func=lambda s: names.get(s, f"{s} (not known for this country)"))
        st.radio("Setting", list(SETTING_LABELS), key="setting", horizontal=True, format_func=SETTING_LABELS.get)

    with st.container(border=True):
        st.markdown("**Retake plan**")
        scale = exam.scale_on(date.today()) if exam is not None else None
        left, right = st.columns(2)
        left.number_input("Predicted retake score", key="predicted_score", step=0.5 if scale and scale.high < 50 else 1.0,
                          format="%g", placeholder="none",
                          help=(f"On the {exam.name} scale ({scale})." if exam and scale else
                                "This exam reports pass/fail only: leave empty.") + " Leave empty if you have none.")
        right.selectbox("Evidence for it", list(EVIDENCE_LABELS), key="evidence", format_func=EVIDENCE_LABELS.get,
                        help="Hope is not evidence: only recent practice exams count.")
        left.number_input("Months to application", key="months_to_application", min_value=0, max_value=120, step=1,
                          placeholder="unknown", help="Months until the next application cycle closes.")
        right.number_input("Preparation months", key="prep_months", min_value=1, max_value=36, step=1,
                           help="Months of serious preparation a retake needs.")
        st.radio("Do your target programs accept retakes?", list(STANCE_LABELS), key="stance", horizontal=True,
                 format_func=STANCE_LABELS.get)

    with st.expander("The rest of your application"):
        left, right = st.columns(2)
        left.number_input("Clinical experience (months)", key="clinical_months", min_value=0, max_value=600, step=1,
                          help="USCE / UKCE / Canadian clinical experience.")
        right.selectbox("Letters", ["weak", "average", "strong"], key="letters")
        left.selectbox("Research", ["none", "some", "substantial"], key="research")
        right.selectbox("Personal statement", ["weak", "ok", "strong"], key="statement")
        left.selectbox("Interview skills", ["weak", "ok", "strong"], key="interview")
        right.checkbox("Postgraduate qualification", key="postgraduate")
        left.checkbox("Clear commitment to the specialty", key="commitment")
        right.checkbox("A board's time limit invalidated an old pass (USMLE)", key="time_limit_expired")

    values = {key: ss.get(key) for key in form.FIELD_KEYS.values()}
    return form.build_profile(values, attempts), exam


def _attempts_editor(exam: ExamSpec | None) -> list[dict[str, Any]]:
    ss = st.session_state
    rows = ss.get("attempts_base", [])
    columns = form.attempt_columns(exam, rows)
    scale = exam.scale_on(date.today()) if exam is not None else None
    config: dict[str, Any] = {
        "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", required=True),
        "score": st.column_config.NumberColumn(
            "Score", help=f"On the scale {scale}; leave empty for pass/fail-only sittings." if scale else
            "Leave empty: this exam reports pass/fail only."),
        "result": st.column_config.SelectboxColumn(
            "Result", options=list(form.RESULTS), help="Optional when the score and pass mark decide it."),
        "pass_mark": st.column_config.NumberColumn("Pass mark (this sitting)",
                                                   help="The pass mark printed on this sitting's result."),
        "result_date": st.column_config.DateColumn("Result date", format="YYYY-MM-DD"),
    }
    for column in columns:
        if column.startswith(form.PART_PREFIX):
            config[column] = st.column_config.NumberColumn(column[len(form.PART_PREFIX):].title())
    st.caption("Every sitting, oldest first: failures and incomplete ones too. Add a row at the bottom.")
    edited = st.data_editor(form.attempts_frame(rows, columns), key=f"attempts-{ss.get('attempts_version', 0)}",
                            num_rows="dynamic", hide_index=True, column_config=config, width="stretch")
    ss.attempts_current = edited.to_dict("records")
    return form.frame_to_attempts(edited)


# --- the verdict ------------------------------------------------------------------------------------


def show_errors(errors: list[FieldError]) -> None:
    st.markdown("### :red[The profile needs fixing]")
    for error in errors:
        where = error.field or "profile"
        lines = [f"**{plain(where)}**: {plain(error.message)}"]
        if error.given is not None:
            lines.append(f"given: {plain(error.given)}")
        if error.allowed:
            lines.append(f"allowed: {plain(error.allowed)}")
        st.error("  \n".join(lines))


def _days(day: date | None, as_of: date) -> str:
    if day is None:
        return "—"
    left = (day - as_of).days
    return f"{day.isoformat()} ({left} days)" if left > 0 else f"{day.isoformat()} (today)" if left == 0 \
        else f"{day.isoformat()} ({-left} days ago)"


def deciding_rules(verdict: Verdict, rules: Any) -> list[Any]:
    """The fired rules that concluded this verdict's decision (read from the rules' metadata)."""
    fired = {r.rule for r in verdict.reasons}
    found = []
    for rule in rules:
        if rule.id not in fired:
            continue
        for conclusion in rule.then:
            if conclusion.get("t") == "decision" and conclusion.get("value") == verdict.decision:
                found.append(rule)
                break
    return found


def headline(verdict: Verdict, registry: Registry, rules: Any = ()) -> None:
    colour = charts.DECISION_COLOURS[verdict.decision]
    exam = registry.exams.get(verdict.exam)
    with st.container(border=True, key="headline"):
        st.markdown(f"## :{colour}[{DECISION_TEXT[verdict.decision]}]")
        if verdict.outcome is not None:
            st.markdown(f"#### :{colour}-background[Flowchart end {OUTCOME_NODE[verdict.outcome]}] "
                        f"{plain(OUTCOME_TEXT[verdict.outcome])}")
        deciders = [r for r in deciding_rules(verdict, rules) if not r.id.startswith("framework.decision.")]
        if deciders:
            st.markdown("Decided by: " + "; ".join(f"{plain(r.title)} (`{r.id}`)" for r in deciders))
        elig = verdict.eligibility
        cols = st.columns(4)
        score = "—" if verdict.score is None else f"{verdict.score:g}"
        cols[0].metric("Score", score, help=f"band {verdict.band.label}" if verdict.band else None)
        cols[0].caption(f"band: {plain(verdict.band.label)}" if verdict.band else "no score tiers recorded")
        cols[1].metric("Attempts used", elig.attempts_used)
        cols[1].caption(f"{elig.attempts_left} left" if elig.attempts_left is not None else "no attempt limit")
        cols[2].metric("Earliest retake", elig.earliest_date.isoformat() if elig.earliest_date else "none")
        cols[2].caption("a retake is possible" if elig.can_retake else "no retake possible")
        cols[3].metric("Next deadline", elig.deadline.isoformat() if elig.deadline else "none")
        cols[3].caption(f"{(elig.deadline - verdict.as_of).days} days left" if elig.deadline else "none recorded")
        st.caption(f"{plain(exam.name if exam else verdict.exam)} · judged as of {verdict.as_of.isoformat()} · "
                   f"rules version {verdict.rules_version}")


def _link(url: str, title: str) -> str:
    if url.startswith(("https://", "http://")):
        return f"[{plain(title or url)}]({url})"
    return plain(title or url)


def verdict_details(verdict: Verdict) -> None:
    elig = verdict.eligibility
    st.subheader("Eligibility")
    st.markdown(
        f"- Attempts used: **{elig.attempts_used}**; left: **"
        + (str(elig.attempts_left) if elig.attempts_left is not None else "no limit") + "**\n"
        f"- Passed: **{'yes' if elig.passed else 'not yet'}**; a retake is "
        + ("**possible**" if elig.can_retake else "**not possible**") + "\n"
        f"- Earliest retake date: **{_days(elig.earliest_date, verdict.as_of) if elig.earliest_date else 'none'}**"
    )
    if elig.deadlines:
        st.dataframe(pd.DataFrame([{
            "deadline": d.text, "date": d.date.isoformat(),
            "days left": d.days_left if d.days_left >= 0 else None,
            "status": "open" if d.days_left >= 0 else "passed", "source": d.source,
        } for d in elig.deadlines]), hide_index=True, width="stretch",
            column_config={"source": st.column_config.LinkColumn("source")})
    for note in elig.notes + verdict.notes:
        st.info(plain(note))

    st.subheader(f"Red flags ({len(verdict.red_flags)})")
    if not verdict.red_flags:
        st.caption("None.")
    for flag in verdict.red_flags:
        st.warning(plain(flag.text), icon=":material/flag:")

    st.subheader(f"What to do ({len(verdict.actions)})")
    st.markdown("\n".join(f"{n}. {plain(a.text)}" for n, a in enumerate(verdict.actions, 1)) or "Nothing more.")

    st.subheader(f"Why: {len(verdict.reasons)} rules fired")
    for reason in verdict.reasons:
        with st.container(border=True):
            st.markdown(f"**{plain(reason.title)}** · `{reason.rule}`")
            st.markdown(plain(reason.text))
            meta = [f"Source: {_link(reason.source, reason.source_title)}",
                    f"effective {reason.effective.isoformat()}" if reason.effective else "long-standing",
                    f"confidence {reason.confidence}"]
            st.caption(" · ".join(meta))
    st.download_button("Download this verdict (JSON)", verdict.model_dump_json(indent=2),
                       file_name=f"verdict-{verdict.exam}-{verdict.as_of.isoformat()}.json",
                       mime="application/json", key="download_verdict")


def _band_reach(exam: ExamSpec, band_id: str | None) -> int | None:
    if band_id is None or exam.bands is None:
        return None
    for dated in exam.bands.entries:
        for band in dated.value:
            if band.id == band_id:
                return band.fits_up_to
    return None


def pictures(verdict: Verdict, profile: Profile, exam: ExamSpec, registry: Registry) -> None:
    st.subheader("Your path through the decision flowchart")
    st.graphviz_chart(charts.flowchart_dot(verdict), width="stretch")
    st.subheader("Your score, the bands and the pass mark")
    picture = charts.score_picture(exam, profile, verdict)
    if picture.drawable:
        st.altair_chart(charts.score_chart(picture), width="stretch")
        if any(True for b in exam.bands_on(verdict.as_of)) and verdict.band and verdict.band.heuristic:
            st.caption("The bands are the decision framework's reading of what a score buys, not the authority's.")
    else:
        st.caption(f"{plain(exam.name)} reports pass or fail only: there is no score to place.")
    st.subheader("Your target on the competitiveness index")
    specialties = list(registry.specialties(profile.target.country).values())
    st.altair_chart(charts.specialty_chart(
        specialties, profile.target.specialty, profile.target.setting,
        reach=_band_reach(exam, verdict.band.id if verdict.band else None),
        predicted_reach=_band_reach(exam, verdict.predicted_band.id if verdict.predicted_band else None),
    ), width="stretch")
    st.caption("Index 0-100, higher is harder for IMGs (the framework's rough scale, not data). The target's bar "
               "includes the setting: university programs ask more. The dashed line is how far your score's band "
               "usually reaches.")


# --- plugins --------------------------------------------------------------------------------------


def plugins(registry: Registry) -> None:
    st.subheader("Loaded plugins")
    st.dataframe(pd.DataFrame([{
        "plugin": p.name, "version": p.version, "status": "loaded" if p.ok else "failed",
        "exams": ", ".join(p.exams), "rules": p.rules, "specialties": p.specialties, "origin": p.origin,
    } for p in registry.plugins]), hide_index=True, width="stretch")
    for info in registry.load_errors:
        st.error(f"**{plain(info.name)}** failed and is skipped: {plain(info.error)}")
    if not registry.load_errors:
        st.caption("Every plugin loaded.")
    st.caption("Exams: " + ", ".join(f"{plain(e.name)} ({plain(e.plugin)})" for e in registry.exams.values()))
