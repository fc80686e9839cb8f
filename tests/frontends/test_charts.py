"""frontends.charts and frontends.form: pure builders, tested without Streamlit."""

from __future__ import annotations

import json
from typing import Any
import subprocess
from datetime import date

import pytest

from core import default_pipeline, parse_profile
from frontends import charts, form

from days import AS_OF  # the one fixed day (tests/days.py)
PROFILE = {
    "exam": "usmle-step2ck",
    "attempts": [{"date": "2025-09-14", "score": 221}],
    "target": {"country": "US", "specialty": "pediatrics", "setting": "university"},
    "plan": {"predicted_score": 241, "evidence": "practice-exams", "months_to_application": 9},
    "programs_accept_retakes": "yes",
}


@pytest.fixture(scope="module")
def pipeline():
    return default_pipeline()


def _verdict(pipeline, **changes):
    data = {**PROFILE, **changes}
    profile = parse_profile(data)
    return profile, pipeline.evaluate(profile, AS_OF)


def test_flowchart_highlights_the_whole_path_to_j(pipeline):
    from core.verdict import PathStep
    from core.vocabulary import QUESTIONS

    _, real = _verdict(pipeline)
    # Issue 10: a passed Step cannot be retaken, so the score stands: B, then E.
    assert real.outcome == "adjust_targets" and [s.question for s in real.path] == ["blocks_target"]
    verdict = real.model_copy(update={"outcome": "plan_focused_retake",
                                      "path": [PathStep(question=q, answer=True, rules=[]) for q in QUESTIONS]})
    dot = charts.flowchart_dot(verdict)
    for edge in ("A -> B", "B -> D", "D -> F", "F -> H", "H -> J"):
        assert f"  {edge} " in dot and charts.PATH_COLOUR in dot.split(f"  {edge} ")[1].split("\n")[0]
    assert "B -> C [label=\"no\"];" in dot  # not taken: plain
    assert f'fillcolor="{charts.END_COLOURS["J"]}"' in dot


def test_flowchart_is_valid_dot(program):
    dot_program = program("dot", "graphviz: apt-get install graphviz, brew install graphviz or dnf install graphviz")
    dot = charts.flowchart_dot(None)
    result = subprocess.run([dot_program, "-Tsvg"], input=dot.encode(), capture_output=True, check=False)
    assert result.returncode == 0, result.stderr


def test_flowchart_for_a_failed_exam_highlights_nothing(pipeline):
    _, verdict = _verdict(pipeline, exam="usmle-step2ck", attempts=[{"date": "2025-09-14", "score": 205}],
                          plan={})
    assert verdict.outcome is None
    dot = charts.flowchart_dot(verdict)
    assert charts.PATH_COLOUR not in dot
    assert "Not passed yet" in dot


def test_score_picture_places_score_bands_and_pass_mark(pipeline):
    profile, verdict = _verdict(pipeline)
    picture = charts.score_picture(pipeline.registry.exam("usmle-step2ck"), profile, verdict)
    assert picture.pass_mark == 218.0  # in force on 2025-09-14
    # A passed Step cannot be retaken: its plan's predicted 241 is not drawn (no retake to predict).
    assert not verdict.eligibility.can_retake
    assert (picture.score, picture.predicted) == (221.0, None)
    assert [b["label"] for b in picture.bands if b["current"]] == ["220-235"]
    spec = charts.score_chart(picture).to_dict()
    assert spec["layer"]


def test_score_picture_uses_the_sittings_own_pass_mark(pipeline):
    profile, verdict = _verdict(pipeline, exam="plab1", attempts=[{"date": "2026-03-01", "score": 120, "pass_mark": 118}],
                                target={"country": "GB", "specialty": "internal-medicine"}, plan={})
    picture = charts.score_picture(pipeline.registry.exam("plab1"), profile, verdict)
    assert picture.pass_mark == 118
    assert picture.bands and all(b["low"] >= 0 for b in picture.bands)
    charts.score_chart(picture).to_dict()


def test_specialty_chart_marks_the_target(pipeline):
    specialties = list(pipeline.registry.specialties("US").values())
    frame = charts.specialty_frame(specialties, "pediatrics")
    assert frame[frame["target"]]["specialty"].tolist() == ["Pediatrics"]
    assert frame["index"].is_monotonic_increasing
    spec = charts.specialty_chart(specialties, "pediatrics", "university", reach=50, predicted_reach=80).to_dict()
    assert "your score's band usually reaches 50" in str(spec)
    assert "your predicted score's band would reach 80" in str(spec)
    assert "your target: Pediatrics (60, incl. +15 for university programs)" in str(spec)
    # every specialty is labelled: no label is dropped for lack of room
    assert spec["layer"][1]["encoding"]["y"]["axis"]["labelOverlap"] is False


def test_form_round_trip(pipeline):
    profile = parse_profile({**PROFILE, "attempts": [
        {"date": "2026-05-01", "score": 6.5, "parts": {"listening": 7, "writing": 6.5}}], "exam": "ielts-academic"})
    rows = form.attempt_rows(profile)
    columns = form.attempt_columns(pipeline.registry.exam("ielts-academic"), rows)
    assert "part: listening" in columns and "pass_mark" not in columns
    frame = form.attempts_frame(rows, columns)
    attempts = form.frame_to_attempts(frame)
    assert attempts == [{"date": "2026-05-01", "score": 6.5, "parts": {"listening": 7, "writing": 6.5}}]
    rebuilt = form.build_profile(form.widget_values(profile), attempts)
    assert parse_profile(rebuilt) == profile
    assert "exceptions" not in rebuilt


def test_frame_to_attempts_drops_blank_rows_and_sorts_oldest_first():
    attempts = form.frame_to_attempts([
        {"date": "2026-01-01", "score": 230.0, "result": None},
        {"date": None, "score": float("nan"), "result": ""},
        {"date": date(2025, 1, 1), "score": 205.0, "result": "fail"},
    ])
    assert attempts == [{"date": "2025-01-01", "score": 205, "result": "fail"}, {"date": "2026-01-01", "score": 230}]


def test_altair_pictures_fit_the_width_only_so_axis_and_legends_get_their_own_room():
    """Streamlit's default `fit` squeezed axis and legends into the 80 px of the score chart on a phone
    (the axis text sat on the bands, the legends were cut off); `fit-x` lets the height grow."""
    from core import examples

    pipeline = default_pipeline()
    for name in examples.names():
        profile = parse_profile(examples.load(name))
        verdict = pipeline.evaluate(profile, AS_OF)
        exam = pipeline.registry.exams[profile.exam]
        specialties = list(pipeline.registry.specialties(profile.target.country).values())
        for picture in charts.pictures(verdict, profile, exam, specialties):
            if picture.is_dot:
                continue
            spec = picture.chart.to_dict()
            assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}, (name, picture.key)
            assert "80" not in json.dumps([layer["encoding"].get("y2") for layer in spec["layer"]]), (name, picture.key)


def test_the_timeline_gives_every_event_its_own_row_and_draws_windows_and_today():
    import yaml
    from pathlib import Path

    from core.candidate_verdict import evaluate_candidate

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "examples/candidates/uk-plab.yaml").read_text())
    result = evaluate_candidate(data, AS_OF)
    points, windows = charts.timeline_frames(result.timeline, AS_OF)
    assert points["label"].is_unique  # one row per event: no two labels share a line
    assert len(points) == sum(1 for e in result.timeline if e.kind != "window_opens")
    assert list(windows["end"]) == ["2027-03-09"]  # the PLAB 2 window, opened by the PLAB 1 date
    spec = json.dumps(charts.timeline_chart(result.timeline, AS_OF).to_dict())
    assert f"today ({AS_OF.isoformat()})" in spec and '"fit-x"' in spec and "split(replace(datum.value" in spec


def test_a_validity_end_already_past_is_drawn_and_marked_as_past():
    """An English result whose validity ended before the as-of day still gets its row (it explains why the
    result cannot be used), in words that say it is past."""
    from core.timeline import Event

    as_of = date(2026, 9, 1)
    events = [Event(date(2023, 11, 2), "ielts-academic", "sitting", None, "IELTS Academic sitting 1", None, -1034),
              Event(date(2025, 11, 1), "ielts-academic", "validity_end", "plab.english-validity",
                    "Last day your IELTS Academic result is valid", None, -304),
              Event(date(2027, 1, 1), "ielts-academic", "validity_end", "plab.english-validity", "later", None, 122)]
    points, _ = charts.timeline_frames(events, as_of)
    assert list(points["kind"]) == ["a sitting", "result stopped counting (past)", "result stops counting"]
    spec = json.dumps(charts.timeline_chart(events, as_of).to_dict())
    assert "result stopped counting (past)" in spec


def _labels_past_the_right_edge(chart: Any) -> list[tuple[str, int, int]]:
    """Axis and legend labels Vega places (at least partly) right of the drawing's edge, where they are cut.

    Read from vl-convert's scenegraph (what is drawn, in pixels); a label's width is estimated at 0.6 em a
    character, its anchor from its alignment."""
    import vl_convert

    drawn = vl_convert.vegalite_to_scenegraph(chart.to_json())
    found: list[tuple[str, int, int]] = []

    def walk(mark: dict, left: float) -> None:
        for item in mark.get("items", []):
            x = left + item.get("x", 0)
            if mark.get("marktype") == "group":
                for inner in item.get("items", []):
                    walk(inner, x)
            elif mark.get("role") in ("axis-label", "legend-label") and isinstance(item.get("text"), str):
                width = 0.6 * item.get("fontSize", 10) * len(item["text"])
                right = {"center": x + width / 2, "right": x}.get(item.get("align"), x + width)
                if right > drawn["width"] + 1:
                    found.append((item["text"], round(right), drawn["width"]))

    walk(drawn["scenegraph"], drawn["origin"][0])
    return found


@pytest.mark.parametrize("name", ["uk-plab", "us-usmle", "ca-mcc"])
def test_no_timeline_label_is_cut_at_the_right_edge(name):
    """The report draws the timeline at 640 px (the US candidate's last label, '2027-01', was cut to
    '2027-0'); a 390 px phone gives it 358 (the UK candidate's legend ran off it once a past validity end's
    row label, on two lines, left the plot 110 px)."""
    import yaml
    from pathlib import Path

    from core.candidate_verdict import evaluate_candidate

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / f"examples/candidates/{name}.yaml").read_text())
    result = evaluate_candidate(data, AS_OF)
    for width in (640, 358):
        chart = charts.timeline_chart(result.timeline, AS_OF).properties(width=width)
        assert not _labels_past_the_right_edge(chart), width


def test_a_lapsed_english_result_says_so_under_its_all_green_parts():
    """The UK candidate's IELTS met every minimum in 2024 but no longer counts: the picture's caption says
    why beside the verdict's 'no valid pass' (it read like a pass); a sitting that missed a minimum does not."""
    import yaml
    from pathlib import Path

    from core import examples
    from core.candidate_verdict import evaluate_candidate

    pipeline = default_pipeline()
    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "examples/candidates/uk-plab.yaml").read_text())
    result = evaluate_candidate(data, AS_OF, pipeline)
    verdict, profile = result.verdicts["ielts-academic"], result.candidate.profile("ielts-academic")
    exam = pipeline.registry.exam("ielts-academic")
    parts = next(p for p in charts.pictures(verdict, profile, exam, []) if p.key == "parts")
    assert verdict.decision == "retake_required" and not verdict.failing_parts
    assert "the result no longer counts: Last day your IELTS Academic result of 2024-11-02" in parts.caption
    short = parse_profile(examples.load("ielts-academic-writing-short"))
    judged = pipeline.evaluate(short, AS_OF)
    caption = next(p for p in charts.pictures(judged, short, exam, []) if p.key == "parts").caption
    assert "no longer counts" not in caption


def test_no_predicted_score_is_drawn_beside_a_retake_that_is_not_allowed():
    """mccqe1-new-scale: passed, so no retake; its plan's predicted 480 was still drawn as a green line."""
    from core import examples

    pipeline = default_pipeline()
    profile = parse_profile(examples.load("mccqe1-new-scale"))
    verdict = pipeline.evaluate(profile, AS_OF)
    assert verdict.decision == "not_allowed" and profile.plan.predicted_score is not None
    picture = charts.score_picture(pipeline.registry.exam(profile.exam), profile, verdict)
    assert picture.predicted is None
    allowed = parse_profile({**examples.load("usmle-step2ck-low-pass"), "exam": "usmle-step2ck",
                             "attempts": [{"date": "2025-09-14", "score": 205}],
                             "plan": {"predicted_score": 236, "evidence": "practice-exams"}})
    judged = pipeline.evaluate(allowed, AS_OF)
    assert judged.eligibility.can_retake
    assert charts.score_picture(pipeline.registry.exam("usmle-step2ck"), allowed, judged).predicted == 236
