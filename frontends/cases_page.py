"""The dashboard's case book: a "Save this case" control and a "Cases" view (list, open, remove, recheck).

The dashboard calls two functions and owns everything else:

    cases_page.save_control(profile_data, as_of, pipeline)          # under the form / in the sidebar
    cases_page.cases_view(pipeline, as_of, load_profile)            # in a "Cases" tab

`load_profile(data, origin) -> list[FieldError]` is the dashboard's own loader: opening a case
runs it in a button callback (before the next run builds the form's widgets, as Streamlit requires).
The cases are the same SQLite file `retake cases` uses (RETAKE_DB or the user's data folder);
nothing leaves this machine. No decision logic here: verdicts and diffs come from core.cases.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Mapping

import streamlit as st

from core.cases import CaseError, add_case, default_db_path, open_store, recheck, update_case
from core.errors import FieldError, ProfileError, RetakeError
from frontends.session import plain

Loader = Callable[[Any, str], "list[FieldError]"]
_KEY = "cases_"  # every widget and state key of this page starts with it


def _message(kind: str, text: str) -> None:
    st.session_state[_KEY + "message"] = (kind, text)


def _show_message() -> None:
    found = st.session_state.pop(_KEY + "message", None)
    if found is not None:
        kind, text = found
        getattr(st, kind)(plain(text))


# --- "Save this case" -----------------------------------------------------------------------------


def _save(profile_data: Mapping[str, Any], as_of: date, pipeline: Any, replace: bool) -> None:
    name = str(st.session_state.get(_KEY + "name", "")).strip()
    try:
        with open_store() as store:
            if replace:
                case = update_case(store, name, profile_data, as_of, pipeline)
                _message("success", f"Updated case {case.name} (revision {case.revision}); its history is kept.")
            else:
                case = add_case(store, name, profile_data, as_of, pipeline)
                _message("success", f"Saved case {case.name}. Open the Cases tab to see it with the others.")
    except CaseError as exc:
        _message("error", f"Not saved: {exc}" + (f" (allowed: {exc.allowed})" if exc.allowed else ""))
    except ProfileError as exc:
        _message("error", "Not saved: fix the form first: " + "; ".join(str(e) for e in exc.errors))
    except RetakeError as exc:
        _message("error", f"Not saved: the rules could not judge this profile: {exc}")


def save_control(profile_data: Mapping[str, Any], as_of: date, pipeline: Any) -> None:
    """A name box and a "Save this case" button (plus "Update" when the name is taken)."""
    st.text_input("Case name", key=_KEY + "name", placeholder="e.g. amira-plab1",
                  help="Saved on this machine only, with its verdict; `retake cases recheck` re-judges saved cases.")
    name = str(st.session_state.get(_KEY + "name", "")).strip()
    exists = False
    if name and default_db_path().exists():  # looking never creates the file; only saving does
        try:
            with open_store() as store:
                store.get(name)
                exists = True
        except CaseError:
            exists = False
    if exists:
        st.button(f"Update case {name}", key=_KEY + "update", on_click=_save,
                  args=(dict(profile_data), as_of, pipeline, True), width="stretch")
    else:
        st.button("Save this case", key=_KEY + "save", on_click=_save, args=(dict(profile_data), as_of, pipeline, False),
                  disabled=not name, width="stretch")
    _show_message()


# --- the "Cases" view -----------------------------------------------------------------------------


def _open(name: str, load: Loader) -> None:
    try:
        with open_store() as store:
            case = store.get(name)
    except CaseError as exc:
        _message("error", str(exc))
        return
    errors = load(case.profile, f"case {case.name}")
    if errors:
        _message("error", f"Case {case.name} cannot be shown in this form: " + "; ".join(str(e) for e in errors))
    else:
        st.session_state[_KEY + "name"] = case.name
        _message("success", f"Opened case {case.name} in the form.")


def _remove(name: str) -> None:
    try:
        with open_store() as store:
            deleted = store.remove(name)
        _message("success", f"Removed case {name} and its {deleted} verdict(s) from this machine.")
    except CaseError as exc:
        _message("error", str(exc))
    st.session_state.pop(_KEY + "recheck", None)


def _recheck(as_of: date, pipeline: Any, save: bool) -> None:
    try:
        with open_store() as store:
            st.session_state[_KEY + "recheck"] = recheck(store, as_of, pipeline, save=save)
    except CaseError as exc:
        _message("error", str(exc))


def _decision_text(decision: str | None) -> str:
    from core.verdict import DECISION_TEXT

    if decision is None:
        return "no verdict"
    if decision in DECISION_TEXT:
        return DECISION_TEXT[decision]
    # A candidate's case holds "exam=decision; …": short words per exam, so the column stays readable.
    short = {"retake": "retake", "do_not_retake": "do not retake", "not_allowed": "not allowed",
             "retake_required": "retake required"}
    parts = [part.split("=", 1) for part in decision.split("; ") if "=" in part]
    return "; ".join(f"{exam}: {short.get(value, value)}" for exam, value in parts) or decision


def _rows(summaries: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for summary in summaries:
        latest = summary.latest
        rows.append({
            "Case": summary.case.name,
            "Exam": summary.case.profile.get("exam") or ", ".join(summary.case.profile.get("exams") or {}),
            "Latest decision": _decision_text(latest.decision) if latest else "not judged",
            "Next deadline": latest.next_deadline if latest and latest.next_deadline else "none",
            "Judged as of": latest.as_of if latest else "",
            "Verdicts": summary.verdicts,
        })
    return rows


def cases_view(pipeline: Any, as_of: date, load: Loader) -> None:
    """Saved cases: the list, open one into the form, remove one, recheck all (changed cases first)."""
    where = default_db_path()
    st.caption(f"Saved cases stay in {plain(where)} on this machine; nothing is sent anywhere. "
               "The command line sees the same cases: `retake cases list`.")
    _show_message()
    if not where.exists():  # looking never creates the file; only saving does
        st.info("No saved cases yet. Give the profile a name under the downloads and press “Save this case”.")
        return
    try:
        with open_store() as store:
            summaries = store.summaries()
    except CaseError as exc:
        st.error(plain(f"The case book cannot be opened: {exc}"))
        return
    if not summaries:
        st.info("No saved cases yet. Give the profile a name under the downloads and press “Save this case”.")
        return
    st.dataframe(_rows(summaries), hide_index=True, width="stretch", key=_KEY + "table")
    names = [s.case.name for s in summaries]
    chosen = st.selectbox("Case", names, key=_KEY + "chosen")
    left, right = st.columns(2)
    left.button("Open in the form", key=_KEY + "open", on_click=_open, args=(chosen, load), width="stretch")
    confirm = right.checkbox(f"Yes, delete {chosen} and its history", key=_KEY + "confirm_remove")
    right.button("Remove this case", key=_KEY + "remove", on_click=_remove, args=(chosen,), disabled=not confirm,
                 width="stretch")

    st.subheader("Recheck with the rules installed now")
    save = st.checkbox("Keep changed verdicts in each case's history", value=True, key=_KEY + "save_changed")
    st.button(f"Recheck all {len(names)} case(s) as of {as_of.isoformat()}", key=_KEY + "recheck_button",
              on_click=_recheck, args=(as_of, pipeline, save), width="stretch")
    report = st.session_state.get(_KEY + "recheck")
    if report is not None:
        _recheck_report(report)


def _recheck_report(report: Any) -> None:
    changed = report.changed
    st.markdown(plain(f"Rechecked {report.checked} case(s) as of {report.as_of} with rules {report.rules_version}: "
                      f"{len(changed)} changed."))
    for case in changed:  # changed cases first, each with what moved and the rules responsible
        with st.expander(plain(f"Changed: {case.name} ({case.decision_before} → {case.decision_after or 'error'})"),
                         expanded=True):
            if case.error:
                st.error(plain(case.error))
            for change in case.changes:
                st.markdown("- " + plain(change.describe()))
    unchanged = [c.name for c in report.cases if not c.changed]
    if unchanged:
        st.caption(plain("Unchanged: " + ", ".join(unchanged)))
