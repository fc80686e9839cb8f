"""The speed-ups in core give exactly what the plain paths give.

- `Engine.run` drives durable_rules' C calls directly; durable_rules' own host (still registered
  with the same actions) must fire the same rules in the same order.
- Reason texts are rendered from templates parsed once; `string.Formatter` must agree on every
  text every rule can show, for real cases and for malformed templates.
"""

from __future__ import annotations

import itertools

from core import engine as engine_module
from core.facts import build_facts
from core.profile import parse_profile
from core.pipeline import default_pipeline
from core.rendering import fact_views as _views
from core.rendering import render, render_slowly as _render_slowly

from days import AS_OF  # the one fixed day (tests/days.py)
_IDS = itertools.count(1)


def _facts(pipeline, raw):
    profile = parse_profile(raw)
    registry = pipeline.registry
    exam = registry.exam(profile.exam)
    assessment = registry.assess(exam, profile, AS_OF)
    return build_facts(profile, assessment, registry.specialty(profile.target.specialty, profile.target.country), AS_OF)


def _stock_host_run(engine, facts):
    """The adapter as it was: durable_rules' Host asserts each fact and runs the actions."""
    from durable.engine import MessageNotHandledException, MessageObservedException

    host = engine_module._host()
    sid = f"reference-{next(_IDS)}"
    with engine_module._LOCK:
        try:
            host.assert_fact(engine.name, {"t": engine_module.SESSION_OPEN, "sid": sid})
            for one in facts:
                try:
                    host.assert_fact(engine.name, dict(one, sid=sid))
                except (MessageNotHandledException, MessageObservedException):
                    pass
            state = host.get_state(engine.name, sid)
        finally:
            host.delete_state(engine.name, sid)
    assert "exception" not in state
    return state.get("fired", [])


def test_the_direct_engine_fires_what_durable_rules_own_host_fires(cohort):
    pipeline = default_pipeline()
    for raw in cohort:
        facts = _facts(pipeline, raw)
        assert [f.rule.id for f in pipeline.engine.run(facts)] == _stock_host_run(pipeline.engine, facts), raw["exam"]


ODD_TEMPLATES = ["{}", "{0}", "{case.score:g} {x", "}", "{case.score!r}", "{case.score!z}", "{case.nope:>5}",
                 "{case.score:{w}}", "{case[exam]}", "{nokey.x}", "{case.score:q}", "plain", "{{esc}} {case.exam}",
                 "{case.exam!s:>20}", "{case.exam.upper}", "{target.specialty_name:.3}"]


def test_rendered_texts_match_string_formatter(cohort):
    pipeline = default_pipeline()
    texts = set(ODD_TEMPLATES)
    for rule in pipeline.rules:
        texts.add(rule.text)
        texts.update(c["text"] for c in rule.then if isinstance(c.get("text"), str))
    for raw in cohort:
        views = _views(_facts(pipeline, raw))
        for text in texts:
            try:
                expected = _render_slowly(text, views)
            except Exception as exc:  # noqa: BLE001 - then the fast path must raise the same
                expected = type(exc)
            try:
                got = render(text, views)
            except Exception as exc:  # noqa: BLE001
                got = type(exc)
            assert got == expected, text
