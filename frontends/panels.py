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
from core.profile import Profile
from core.plugins import Registry
from core.timeline import to_sit_limits
from core.verdict import OUTCOME_NODE, OUTCOME_TEXT, Verdict
from frontends import charts, form, verdict_view
from frontends.session import plain

EVIDENCE_LABELS = {"practice-exams": "Practice exams (NBME, UWorld…)", "self-estimate": "My own estimate",
                   "none": "No evidence"}
STANCE_LABELS = {"yes": "Accept retakes", "no": "Turn away retakes", "unknown": "Don't know"}
SETTING_LABELS = {"community": "Community", "university": "University / academic", "any": "Any"}


# --- the form --------------------------------------------------------------------------------------


def profile_form(registry: Registry, on_exam_change: Callable[[], None],
                 on_country_change: Callable[[], None]) -> tuple[dict[str, Any], ExamSpec | None, Any,
                                                                  dict[str, dict[str, Any]]]:
    """Every input of the profile; returns the profile as a contract dict, the chosen exam, the empty
    container the retake plan is drawn into once the verdict says whether a retake is possible, and the
    candidate's other exams (`other_exams`; empty for the one-exam flow).

    The plan's values are read from the session state (where Streamlit keeps every widget's value before
    the run starts), so the profile is whole before its inputs are drawn.
    """
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
        for note in ss.get("exam_switch_notes", []):
            st.caption(plain(note))
    # Right under the form's exam, so a person's exams are entered in one place.
    others = other_exams(registry, ss.get("exam"))

    with st.container(border=True):
        st.markdown("**Target**")
        countries = [e.country for e in exams.values()] + [s.country for s in registry.all_specialties() if s.country]
        left, right = st.columns(2)
        left.selectbox("Country", form.country_options(countries, ss.get("country")), key="country",
                       format_func=form.country_label, on_change=on_country_change)
        specialties = sorted(registry.specialties(ss.country).values(), key=lambda s: (s.competitiveness, s.name))
        # Labels are the names alone: the same specialty keeps its label in every country, so switching the
        # exam or the country never leaves the box showing a label the new list does not hold.
        names = {s.id: s.name for s in specialties}
        options = list(names) + ([ss.specialty] if ss.get("specialty") not in names else [])
        right.selectbox("Specialty", options, key="specialty",
                        format_func=lambda s: names.get(s, f"{s} (not known for this country)"),
                        help="Sorted from least to most competitive for IMGs (see the Pictures tab).")
        st.radio("Setting", list(SETTING_LABELS), key="setting", horizontal=True, format_func=SETTING_LABELS.get,
                 help=verdict_view.GLOSSARY["Setting"])
    plan_box = st.container(border=True)

    with st.expander("The rest of your application"):
        left, right = st.columns(2)
        left.number_input("Clinical experience (months)", key="clinical_months", min_value=0, max_value=600, step=1,
                          placeholder="not known",
                          help="Hands-on clinical work in the target country's system (USCE in the US, UKCE in "
                               "the UK). Leave empty if you would rather not say: the verdict then says it "
                               "could not judge this.")
        right.selectbox("Letters", ["weak", "average", "strong"], key="letters")
        left.selectbox("Research", ["none", "some", "substantial"], key="research")
        right.selectbox("Personal statement", ["weak", "ok", "strong"], key="statement")
        left.selectbox("Interview skills", ["weak", "ok", "strong"], key="interview")
        right.checkbox("Postgraduate qualification", key="postgraduate")
        left.checkbox("Clear commitment to the specialty", key="commitment")
        right.checkbox("A board's time limit invalidated an old pass (USMLE)", key="time_limit_expired")

    values = {key: ss.get(key) for key in form.FIELD_KEYS.values()}
    return form.build_profile(values, attempts), exam, plan_box, others


def plan_inputs(box: Any, exam: ExamSpec | None, verdict: Verdict | None) -> None:
    """The retake plan: greyed, and said to be unused, when the verdict says a retake is not possible."""
    ss = st.session_state
    blocked = verdict is not None and not verdict.eligibility.can_retake
    with box:
        st.markdown("**Retake plan**")
        if blocked:
            st.caption("Not used: a retake is not possible, so the score stands. These inputs are kept in the "
                       "profile but do not change the verdict.")
        scale = exam.scale_on(ss.get("as_of") or date.today()) if exam is not None else None
        left, right = st.columns(2)
        left.number_input("Predicted retake score", key="predicted_score",
                          step=0.5 if scale and scale.high < 50 else 1.0, format="%g", placeholder="none",
                          disabled=blocked or scale is None,
                          help=(f"On the {exam.name} scale ({scale})." if exam and scale else
                                "This exam reports pass/fail only: leave empty.") + " Leave empty if you have none.")
        right.selectbox("Evidence for it", list(EVIDENCE_LABELS), key="evidence", format_func=EVIDENCE_LABELS.get,
                        disabled=blocked, help="Hope is not evidence: only recent practice exams count.")
        left.number_input("Months to application", key="months_to_application", min_value=0, max_value=120, step=1,
                          placeholder="not known", disabled=blocked,
                          help="Months until the next application cycle closes.")
        right.number_input("Preparation months", key="prep_months", min_value=1, max_value=36, step=1,
                           disabled=blocked, help="Months of serious preparation a retake needs.")
        st.radio("Do your target programs accept retakes?", list(STANCE_LABELS), key="stance", horizontal=True,
                 format_func=STANCE_LABELS.get, disabled=blocked)


def _attempts_editor(exam: ExamSpec | None) -> list[dict[str, Any]]:
    ss = st.session_state
    rows = ss.get("attempts_base", [])
    columns = form.attempt_columns(exam, rows)
    config = _attempt_config(exam, columns)
    st.caption("Every sitting, oldest first: failures and incomplete ones too. Add a row at the bottom.")
    edited = st.data_editor(form.attempts_frame(rows, columns), key=f"attempts-{ss.get('attempts_version', 0)}",
                            num_rows="dynamic", hide_index=True, column_config=config, width="stretch",
                            column_order=columns, placeholder="")  # an emptied cell reads empty, not "None"
    ss.attempts_current = edited.to_dict("records")
    changes = ss.get(f"attempts-{ss.get('attempts_version', 0)}") or {}
    if any(changes.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")):
        ss.pop("exam_switch_notes", None)  # the user has taken up the new exam's rows: errors are errors again
    return form.frame_to_attempts(edited)


def other_exams(registry: Registry, main: str | None) -> dict[str, dict[str, Any]]:
    """The candidate's other exams (issue 11): add or remove them in one box; each gets its own sittings.

    Nothing added, nothing changes: the profile stays the one-exam form. An added exam with no rows is
    one still to sit (it gets its deadlines and earliest dates in the timeline, not a verdict).
    """
    ss = st.session_state
    exams = registry.exams
    options = [e for e in sorted(exams, key=lambda e: (exams[e].country, exams[e].name)) if e != main]
    chosen = [e for e in ss.get("other_exams", []) if e != main]
    options += [e for e in chosen if e not in options]
    ss.other_exams = chosen
    with st.container(border=True, key="other_exams_box"):
        st.multiselect("Other exams of this candidate", options, key="other_exams", placeholder="none: one exam",
                       format_func=lambda e: f"{exams[e].name} · {exams[e].country}" if e in exams
                       else f"{e} (no loaded plugin offers it)",
                       help="Rules across exams (an English result's age on the PLAB 1 date, the PLAB 2 window, "
                            "USMLE attempts at every Step, MCCQE with NAC) need every exam the person has sat or "
                            "still has to sit. Leave an exam's table empty if it is still to sit.")
        found: dict[str, dict[str, Any]] = {}
        for exam_id in ss.other_exams:
            exam = exams.get(exam_id)
            rows = ss.get(f"other_base_{exam_id}", [])
            columns = form.attempt_columns(exam, rows)
            st.markdown(f"**{plain(exam.name if exam else exam_id)}**")
            edited = st.data_editor(form.attempts_frame(rows, columns),
                                    key=f"other-{exam_id}-{ss.get('attempts_version', 0)}", num_rows="dynamic",
                                    hide_index=True, column_config=_attempt_config(exam, columns), width="stretch",
                                    column_order=columns, placeholder="")
            entry = dict(ss.get(f"other_more_{exam_id}", {}))  # its own plan / stance, kept from a loaded file
            entry["attempts"] = form.frame_to_attempts(edited)
            found[exam_id] = entry
        if ss.other_exams:
            st.caption("An exam with no rows is one still to sit: it gets its dates in the timeline, not a verdict.")
    return found


def _attempt_config(exam: ExamSpec | None, columns: list[str]) -> dict[str, Any]:
    scale = exam.scale_on(date.today()) if exam is not None else None
    # Pixel widths that fit every column of every exam (IELTS: date, score and four skills) in the form's
    # column at 1400 px, so none hides behind a sideways scroll; a date needs about 100 px.
    config: dict[str, Any] = {
        "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", required=True, width=100),
        "score": st.column_config.NumberColumn(
            "Overall" if exam is not None and exam.parts else "Score", width=62,
            help=f"On the scale {scale}; leave empty for pass/fail-only sittings." if scale else
            "Leave empty: this exam reports pass/fail only."),
        "result": st.column_config.SelectboxColumn(
            "Result", options=list(form.RESULT_OPTIONS), width=104,
            help="Optional when the score and pass mark decide it."),
        "pass_mark": st.column_config.NumberColumn("Pass mark", width=80,
                                                   help="The pass mark printed on this sitting's result."),
        "result_date": st.column_config.DateColumn("Result date", format="YYYY-MM-DD", width=100),
    }
    short = {"listening": "Listen", "reading": "Read", "writing": "Write", "speaking": "Speak",
             "stations_passed": "Pass", "stations_required": "Need", "stations_total": "Total",
             "score": "Score", "pass_score": "Min"}
    for column in columns:
        if column.startswith(form.PART_PREFIX):
            name = column[len(form.PART_PREFIX):]
            config[column] = st.column_config.NumberColumn(short.get(name, name.title()), width=62,
                                                           help=f"{name.replace('_', ' ').capitalize()} result.")
    return config


# --- the verdict ------------------------------------------------------------------------------------


def show_next_steps(errors: list[FieldError], exam: ExamSpec | None) -> None:
    """After an exam switch the old exam's scores are cleared: say what to fill in, in a calm box."""
    name = exam.name if exam else "this exam"
    with st.container(border=True, key="next_steps"):
        st.markdown(f"### Now enter your {plain(name)} sittings")
        for error in errors:
            line = f"**{plain(error.field or 'profile')}**: {plain(error.message)}"
            if error.allowed:
                line += f"  \nallowed: {plain(error.allowed)}"
            st.info(line, icon=":material/edit:")


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


def deciding_rules(verdict: Verdict, rules: Any) -> list[Any]:
    """The fired rules that concluded this verdict's decision (see `verdict_view.deciding_rules`)."""
    return verdict_view.deciding_rules(verdict, rules)


def _fact(column: Any, label: str, value: str, note: str, help_text: str | None = None) -> None:
    # Markdown, not st.metric: a metric truncates a long value ("2028…"); text wraps and stays whole.
    # The terms are explained in the glossary below (a help icon here would push the label onto two lines).
    size = "###" if len(value) <= 6 else "####"
    column.markdown(f"**{plain(label)}**\n{size} {plain(value)}")
    column.caption(plain(note))


def glossary(verdict: Verdict | None) -> None:
    """A popover with every term the verdict uses, in plain words."""
    with st.popover("What do these words mean?", icon=":material/help:", key="glossary"):
        for term, words in verdict_view.glossary_for(verdict):
            st.markdown(f"**{plain(term)}**: {plain(words)}")


def headline(verdict: Verdict, registry: Registry, rules: Any = ()) -> None:
    colour = charts.DECISION_COLOURS[verdict.decision]
    exam = registry.exams.get(verdict.exam)
    with st.container(border=True, key="headline"):
        label, detail = verdict_view.decision_and_detail(verdict)  # the label is not said twice
        st.markdown(f"## :{colour}[{label}]")
        if detail:
            st.markdown(f"**{plain(detail)}**")
        if verdict.outcome is not None:
            st.markdown(f"#### :{colour}-background[Flowchart end {OUTCOME_NODE[verdict.outcome]}] "
                        f"{plain(OUTCOME_TEXT[verdict.outcome])}",
                        help=verdict_view.GLOSSARY["Flowchart end"])
        deciders = deciding_rules(verdict, rules)
        if deciders:
            st.markdown("Decided by: " + "; ".join(f"{plain(r.title)} (`{r.id}`)" for r in deciders))
        elig = verdict.eligibility
        cols = st.columns(4)
        score = "not scored" if verdict.score is None else f"{verdict.score:g}"
        _fact(cols[0], "Score", score, f"band: {verdict.band.label}" if verdict.band else "no score tiers recorded",
              verdict_view.GLOSSARY["Band"])
        _fact(cols[1], "Attempts used", str(elig.attempts_used),
              "no attempt limit" if elig.attempts_left is None
              else "no more needed: a retake is not possible" if not elig.can_retake
              else f"{elig.attempts_left} left", verdict_view.GLOSSARY["Attempt limit"])
        if elig.can_retake:
            earliest = elig.earliest_date.isoformat() if elig.earliest_date else "not known"
            _fact(cols[2], "Earliest retake", earliest,
                  verdict_view.days(elig.earliest_date, verdict.as_of, "").split(" ", 1)[-1].strip("()")
                  if elig.earliest_date else "", verdict_view.GLOSSARY["Earliest retake"])
        else:
            _fact(cols[2], "Earliest retake", "none", "a retake is not possible", verdict_view.GLOSSARY["Earliest retake"])
        if elig.deadline:
            left = (elig.deadline - verdict.as_of).days
            _fact(cols[3], "Next deadline", elig.deadline.isoformat(),
                  f"{left} days left" if left >= 0 else "passed", verdict_view.GLOSSARY["Deadline"])
        else:
            _fact(cols[3], "Next deadline", "none", "none recorded", verdict_view.GLOSSARY["Deadline"])
        st.caption(f"{plain(exam.name if exam else verdict.exam)} · judged as of {verdict.as_of.isoformat()} · "
                   f"rules version {verdict.rules_version}")
        glossary(verdict)


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
        "- Earliest retake date: **"
        + (plain(verdict_view.days(elig.earliest_date, verdict.as_of, "not known")) if elig.can_retake
           else "none: a retake is not possible") + "**"
    )
    if elig.deadlines:
        st.markdown("**Deadlines**", help=verdict_view.GLOSSARY["Deadline"])
        # One line each, not a table: a long text and its date never hide behind a horizontal scroll.
        for deadline in elig.deadlines:
            with st.container(border=True, key=f"deadline-{deadline.id}"):
                status = "open" if deadline.days_left >= 0 else "passed"
                st.markdown(f"**{plain(verdict_view.days(deadline.date, verdict.as_of))}** · {status}  \n"
                            f"{plain(deadline.text)}")
                st.caption(f"Source: {_link(deadline.source, '')} · confidence {plain(deadline.confidence)}")
    for note in elig.notes + verdict.notes:
        st.info(plain(note))

    st.subheader(f"What to do ({len(verdict.actions)})")
    st.markdown("\n".join(f"{n}. {plain(a.text)}" for n, a in enumerate(verdict.actions, 1)) or "Nothing more.")

    st.subheader(f"Also weigh ({len(verdict.red_flags)})", help=verdict_view.GLOSSARY["Reasons not to retake"])
    if not verdict.red_flags:
        st.caption("Nothing more.")
    for flag in verdict.red_flags:
        st.warning(plain(flag.text), icon=":material/flag:")

    st.subheader(f"Why: {len(verdict.reasons)} rules fired", help=verdict_view.GLOSSARY["Rule"])
    for reason in verdict.reasons:
        with st.container(border=True):
            st.markdown(f"**{plain(reason.title)}** · `{reason.rule}`")
            st.markdown(plain(reason.text))
            meta = [f"Source: {_link(reason.source, reason.source_title)}",
                    f"effective {reason.effective.isoformat()}" if reason.effective
                    else plain(reason.effective_note or "no effective date recorded"),
                    f"confidence {reason.confidence}"]
            st.caption(" · ".join(meta))
    st.download_button("Download this verdict (JSON)", verdict.model_dump_json(indent=2),
                       file_name=f"verdict-{verdict.exam}-{verdict.as_of.isoformat()}.json",
                       mime="application/json", key="download_verdict")


def report_button(profile_data: dict[str, Any], as_of: date, pipeline: Any) -> None:
    """Download the same report `retake report` writes for this profile (built only when clicked): the
    candidate report when the form holds several exams, the one-exam report otherwise."""
    from frontends import report

    def build(suffix: str) -> Callable[[], bytes]:
        return lambda: report.render(report.any_report_for(profile_data, as_of, pipeline), suffix)

    subject = "candidate" if "exams" in profile_data else str(profile_data.get("exam"))
    stem = f"retake-report-{subject}-{as_of.isoformat()}".replace("/", "-")
    what = ("Every exam's headline and the timeline across them, then for each exam: its" if subject == "candidate"
            else "The headline,")
    st.download_button("Download report (PDF)", build(".pdf"), file_name=f"{stem}.pdf", mime="application/pdf",
                       key="download_report_pdf", width="stretch", type="primary", icon=":material/description:",
                       help=f"{what} eligibility, what to do, every reason with its source, the "
                            "pictures: a page to keep or hand on. The same as `retake report PROFILE -o FILE.pdf` "
                            "on the profile downloaded above.")
    st.download_button("Download report (HTML)", build(".html"), file_name=f"{stem}.html", mime="text/html",
                       key="download_report_html", width="stretch")


def pictures(verdict: Verdict, profile: Profile, exam: ExamSpec, registry: Registry) -> None:
    specialties = list(registry.specialties(profile.target.country).values())
    found = charts.pictures(verdict, profile, exam, specialties)
    if verdict.outcome is None:
        st.caption("Not passed yet: the decision flowchart applies once the exam is passed.")
    for picture in found:
        st.subheader(picture.question)
        if picture.is_dot:
            st.graphviz_chart(picture.chart, width="stretch")
        else:
            st.altair_chart(picture.chart, width="stretch")
        if picture.caption:
            st.caption(plain(picture.caption))
    if not any(p.key in ("score", "parts") for p in found):
        st.caption(f"{plain(exam.name)} reports pass or fail only: there is no score to place on a chart.")


# --- plugins --------------------------------------------------------------------------------------


def plugins(registry: Registry) -> None:
    st.subheader("Loaded plugins")
    # Short columns that fit the page at 1400 px; the exams and where each plugin came from are listed below.
    st.dataframe(pd.DataFrame([{
        "plugin": p.name, "version": p.version, "status": "loaded" if p.ok else "failed",
        "exams": len(p.exams), "rules": p.rules, "specialties": p.specialties,
    } for p in registry.plugins]), hide_index=True, width="stretch")
    st.caption("Origins: " + "; ".join(f"{plain(p.name)}: {plain(p.origin)}" for p in registry.plugins))
    for info in registry.load_errors:
        st.error(f"**{plain(info.name)}** failed and is skipped: {plain(info.error)}")
    if not registry.load_errors:
        st.caption("Every plugin loaded.")
    st.caption("Exams: " + ", ".join(f"{plain(e.name)} ({plain(e.plugin)})" for e in registry.exams.values()))


# --- the candidate: one card per exam, the timeline --------------------------------------------------


def exam_cards(result: Any, registry: Registry, shown: str) -> None:
    """One verdict card per exam of the candidate (issue 11); the exam the page details is marked."""
    exams = registry.exams
    st.markdown(f"**Every exam of this candidate ({len(result.candidate.exams)})**")
    for exam_id in result.candidate.exams:
        name = exams[exam_id].name if exam_id in exams else exam_id
        verdict = result.verdicts.get(exam_id)
        with st.container(border=True, key=f"exam_card_{exam_id}"):
            if verdict is None:
                st.markdown(f"**{plain(name)}** · still to sit")
                st.caption("No sittings yet: no retake verdict. Its windows and deadlines are in the timeline "
                           "(Pictures).")
                _, passed = to_sit_limits(result.timeline, exam_id)
                if passed is not None:  # e.g. Step 3 closed by another Step's attempt limit
                    st.warning(plain(f"A limit passed on {passed.date.isoformat()}: {passed.text}"),
                               icon=":material/event_busy:")
                continue
            colour = charts.DECISION_COLOURS[verdict.decision]
            here = " · detailed below" if exam_id == shown else ""
            label, detail = verdict_view.decision_and_detail(verdict)
            st.markdown(f"**{plain(name)}** · :{colour}[**{label}**]{here}")
            if detail:
                st.caption(plain(detail))
            elig = verdict.eligibility
            facts = [f"attempts used {elig.attempts_used}"]
            if elig.can_retake:
                facts.append("earliest retake " + verdict_view.days(elig.earliest_date, verdict.as_of, "not known"))
            if elig.deadline:
                facts.append("next deadline " + verdict_view.days(elig.deadline, verdict.as_of))
            st.caption(plain(" · ".join(facts)))


def timeline(result: Any, registry: Registry) -> None:
    """The candidate's timeline as a picture, then every event in words (the chart's tooltips, written out)."""
    names = {e: registry.exams[e].name if e in registry.exams else e for e in result.candidate.exams}
    names.update({e.exam: registry.exams[e.exam].name for e in result.timeline if e.exam in registry.exams})
    st.subheader("When does each exam's window open and close?")
    if not result.timeline:
        st.caption("No dated events: nothing to draw.")
        return
    st.altair_chart(charts.timeline_chart(result.timeline, result.as_of, names), width="stretch")
    st.caption("One row per date, oldest first; the dashed line is today.")
    upcoming = [e for e in result.timeline if e.kind != "sitting" and e.days_left >= 0]
    for event in upcoming:
        st.markdown(f"- **{plain(verdict_view.days(event.date, result.as_of))}** · {plain(names.get(event.exam, event.exam))}: "
                    f"{plain(event.text)}")
