"""Freshness: each plugin's last check of its policies, and the dated rule that says, more than 12
months later, that the policy may have changed (rules as data: profile + day -> fired rule)."""

from __future__ import annotations

from datetime import date

import pytest

from core.dated_values import Source
from core.exams import PoliciesChecked, policies_checked_by_plugin, stale_policy_rule

CHECKED = date(2026, 12, 1)  # the day policies.md was revised after the audit (all three plugins)
PROFILES = {
    "usmle": {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 221}],
              "target": {"country": "US", "specialty": "internal-medicine"}},
    "plab": {"exam": "plab1", "attempts": [{"date": "2025-09-14", "score": 130, "pass_mark": 120}],
             "target": {"country": "GB", "specialty": "internal-medicine"}},
    "mccqe": {"exam": "mccqe1", "attempts": [{"date": "2025-04-20", "score": 460}],
              "target": {"country": "CA", "specialty": "family-medicine"}},
}
WHERE = {"usmle": "usmle.org", "plab": "gmc-uk.org", "mccqe": "mcc.ca"}


def test_every_built_in_exam_records_its_last_check(pipeline):
    checks = policies_checked_by_plugin(pipeline.registry.exams.values())
    assert set(checks) == {"usmle", "plab", "mccqe"}
    for plugin, check in checks.items():
        assert check.day == CHECKED and WHERE[plugin] in check.source.url
    assert all(exam.policies_checked is not None for exam in pipeline.registry.exams.values())


@pytest.mark.parametrize("plugin", sorted(PROFILES))
@pytest.mark.parametrize("as_of, stale", [
    (date(2027, 11, 30), False),   # the day before the 12 months are up
    (date(2027, 12, 1), False),    # 12 months to the day: still within
    (date(2027, 12, 2), True),     # the day after: more than 12 months
])
def test_a_verdict_more_than_12_months_after_the_check_says_the_policy_may_have_changed(
        decide, plugin, as_of, stale):
    verdict = decide(PROFILES[plugin], as_of)
    reasons = [r for r in verdict.reasons if r.rule == f"{plugin}.policy-may-have-changed"]
    assert bool(reasons) is stale
    if stale:
        reason = reasons[0]
        assert "2026-12-01" in reason.text and WHERE[plugin] in reason.text and "may have changed" in reason.text
        assert reason.tone == "warning" and reason.effective == date(2027, 12, 2)
        assert WHERE[plugin] in reason.source
    # The freshness rule only adds a reason: the decision is that of the day before.
    assert verdict.decision == decide(PROFILES[plugin], date(2027, 11, 30)).decision


def test_the_freshness_rule_fires_only_for_its_own_plugin(decide):
    verdict = decide(PROFILES["usmle"], date(2028, 1, 1))
    assert [r.rule for r in verdict.reasons if r.rule.endswith("policy-may-have-changed")] == [
        "usmle.policy-may-have-changed"]


@pytest.mark.parametrize("checked, due, stale_from", [
    (date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1)),    # a leap-day check: 12 months end on 28 Feb
    (date(2027, 2, 28), date(2028, 2, 28), date(2028, 2, 29)),   # stale from a leap day
    (date(2026, 12, 1), date(2027, 12, 1), date(2027, 12, 2)),
])
def test_review_boundary_including_leap_days(checked, due, stale_from):
    check = PoliciesChecked(checked, Source("authority page", "https://example.org/policies"))
    assert check.review_due == due and check.stale_from == stale_from
    rule = stale_policy_rule("demo", "Demo", check)
    assert not rule.problems()
    day_before = date.fromordinal(due.toordinal() - 1)
    assert not rule.in_force(day_before) and not rule.in_force(due)
    assert rule.in_force(stale_from) and rule.in_force(date.fromordinal(stale_from.toordinal() + 1))
    assert "https://example.org/policies" in rule.text and checked.isoformat() in rule.text


def test_a_plugin_without_a_check_makes_no_claim():
    class Exam:
        plugin, policies_checked = "guest", None
    assert policies_checked_by_plugin([Exam()]) == {}


def test_retake_rules_and_plugins_show_the_last_check():
    import json

    from typer.testing import CliRunner

    from frontends.cli import app

    runner = CliRunner()
    plugins = json.loads(runner.invoke(app, ["plugins", "--json"]).stdout)
    checked = {p["name"]: p["policies_checked"] for p in plugins}
    assert checked["usmle"]["day"] == "2026-12-01" and "usmle.org" in checked["usmle"]["source"]["url"]
    human = runner.invoke(app, ["plugins"]).stdout
    assert "plab: policies last checked 2026-12-01" in human and "gmc-uk.org" in human

    rules = json.loads(runner.invoke(app, ["rules", "--json", "--exam", "nac"]).stdout)
    by_id = {r["id"]: r for r in rules}
    assert by_id["mccqe.policy-may-have-changed"]["effective"] == "2027-12-02"
    assert all(r["policies_checked"] == "2026-12-01" for r in rules if r["plugin"] == "mccqe")
    assert all(r["policies_checked"] is None for r in rules if r["plugin"] == "framework")
    human = runner.invoke(app, ["rules", "--exam", "nac"]).stdout
    assert "mccqe: policies last checked 2026-12-01" in human and "usmle:" not in human
