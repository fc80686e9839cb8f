"""`retake timeline`: JSON, table and an .ics file the icalendar library reads back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from icalendar import Calendar
from typer.testing import CliRunner

from core.timeline import CALENDAR_KINDS
from frontends.cli import app

ROOT = Path(__file__).resolve().parents[2]
UK = ROOT / "examples" / "candidates" / "uk-plab.yaml"


def test_ics_holds_one_event_per_deadline(tmp_path):
    out = tmp_path / "dates.ics"
    result = CliRunner().invoke(app, ["timeline", str(UK), "--as-of", "2025-06-01", "--json", "--ics", str(out)])
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    wanted = [e for e in events if e["kind"] in CALENDAR_KINDS]
    assert {e["kind"] for e in wanted} >= {"deadline", "validity_end"}
    calendar = Calendar.from_ical(out.read_bytes())
    found = [c for c in calendar.walk("VEVENT")]
    assert len(found) == len(wanted)
    assert sorted(c.decoded("dtstart") for c in found) == sorted(date.fromisoformat(e["date"]) for e in wanted)
    assert len({str(c["uid"]) for c in found}) == len(found)
    plab2 = next(c for c in found if c.decoded("dtstart") == date(2027, 3, 9))
    assert "PLAB 2" in str(plab2["description"]) and str(plab2["url"]).startswith("https://www.gmc-uk.org")
    # A calendar shows the exam's name, not its id.
    assert str(plab2["summary"]) == "PLAB 2: deadline"
    assert all(not str(c["summary"]).startswith(("plab", "ielts-")) for c in found)
    # Reproducible: the same profile and day give the same bytes (no clock in DTSTAMP).
    again = tmp_path / "again.ics"
    CliRunner().invoke(app, ["timeline", str(UK), "--as-of", "2025-06-01", "--ics", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_timeline_table_and_errors(tmp_path):
    result = CliRunner().invoke(app, ["timeline", str(UK), "--as-of", "2025-06-01"])
    assert result.exit_code == 0 and "2027-03-09" in result.stdout and "deadline" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("target: {country: GB, specialty: internal-medicine}\nexams: {plab9: {}}\n")
    refused = CliRunner().invoke(app, ["timeline", str(bad), "--as-of", "2025-06-01"])
    assert refused.exit_code == 2 and "exams.plab9" in refused.output
    unwritable = CliRunner().invoke(app, ["timeline", str(UK), "--as-of", "2025-06-01",
                                          "--ics", str(tmp_path / "no" / "such" / "dir.ics")])
    assert unwritable.exit_code == 2 and "--ics" in unwritable.output


def test_a_candidates_view_tells_each_exams_story_like_decide():
    # Per exam: the headline (decision + deciding fact + flowchart end) and no "N left" beside a
    # retake that is not possible (it read "2 used, 2 left" under "A retake is not allowed").
    result = CliRunner().invoke(app, ["decide", str(ROOT / "examples" / "candidates" / "ca-mcc.yaml"),
                                      "--as-of", "2026-01-15"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "A retake is not allowed: you passed MCCQE Part I" in text
    assert "flowchart end C" in text
    assert "2 used · passed" in text and "2 used, 2 left" not in text
    assert "No valid pass: a retake is required" in text and "1 used · 2 left · not passed yet" in text


def test_not_passed_and_not_allowed_does_not_promise_a_flowchart_later(tmp_path):
    # Step 2 CS failed four times: discontinued, and the limit across Steps ends Step 2 CK too. Neither
    # verdict may say "the flowchart starts once the exam is passed": there is no pass to come.
    profile = tmp_path / "cs.yaml"
    profile.write_text(
        "target: {country: US, specialty: internal-medicine}\n"
        "exams:\n"
        "  usmle-step2cs: {attempts: [{date: 2019-03-01, result: fail}, {date: 2019-08-01, result: fail},\n"
        "                             {date: 2020-01-10, result: fail}, {date: 2020-09-01, result: fail}]}\n"
        "  usmle-step2ck: {attempts: [{date: 2026-03-02, score: 205}]}\n"
        "  usmle-step3: {attempts: []}\n")
    result = CliRunner().invoke(app, ["decide", str(profile), "--as-of", "2026-11-25"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert text.count("no retake is possible: the flowchart has no end here") == 2
    assert "the flowchart starts once the exam is passed" not in text
    assert "USMLE Step 2 CS was discontinued on 2021-01-26" in text
    # Step 3, listed without sittings, is closed by the same limit: not simply "still to sit".
    assert "USMLE Step 3: not sat yet, and a limit passed on 2021-07-01" in text
    assert "USMLE Step 3: still to sit" not in text
    # The attempts line agrees: "not passed", no "yet" and no attempts left.
    assert "4 used · not passed" in text and "1 used · not passed" in text and "not passed yet" not in text
