"""The durable_rules adapter and each engine pitfall ARCHITECTURE.md lists."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from core.dated_values import Source
from core.engine import Engine, clock_fact, session_exists
from core.errors import EngineError
from core.rules import Rule, answer, fact, gte, outcome

SRC = Source("test")


def rule(rule_id, when, then=(), **extra):
    return Rule(id=rule_id, title=rule_id, when=when, then=then, text="t", source=SRC, **extra)


CHAIN = [
    rule("t.first", {"x": fact("x", gte("n", 5))}, [answer("q", True)], priority=1),
    rule("t.second", {"a": fact("answer", question="q", value=True)}, [outcome("done")], priority=2),
]


def test_conclusions_chain_forward_in_one_run():
    fired = [f.rule.id for f in Engine(CHAIN).run([{"t": "x", "n": 7}])]
    assert fired == ["t.first", "t.second"]


def test_no_rule_matches_is_not_an_error():
    assert Engine(CHAIN).run([{"t": "nobody-looks-at-this"}, {"t": "x", "n": 1}]) == []


def test_unmatched_fact_does_not_stop_the_others():
    # In durable_rules' own assert_facts, one unhandled fact cancels every action of the batch.
    fired = [f.rule.id for f in Engine(CHAIN).run([{"t": "unknown"}, {"t": "x", "n": 9}])]
    assert fired == ["t.first", "t.second"]


def test_identical_fact_twice_is_tolerated():
    fired = [f.rule.id for f in Engine(CHAIN).run([{"t": "x", "n": 7}, {"t": "x", "n": 7}])]
    assert fired == ["t.first", "t.second"]


def test_action_exception_is_surfaced():
    broken = Engine([rule("t.broken", {"x": fact("x")}, [{"t": "note", "text": {1, 2}}])])  # a set is not JSON
    with pytest.raises(EngineError, match="action failed"):
        broken.run([{"t": "x"}])


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(EngineError, match="unique"):
        Engine([CHAIN[0], CHAIN[0]])


def test_malformed_condition_is_reported():
    with pytest.raises(EngineError, match="do not compile"):
        Engine([rule("t.bad", {"x": {"$nonsense": {"n": 1}}})])


def test_same_rules_share_one_registration():
    assert Engine(CHAIN).name == Engine(list(CHAIN)).name
    assert Engine(CHAIN).name != Engine(CHAIN[:1]).name


def test_effective_dates_gate_rules_through_the_clock_fact():
    dated = Engine([rule("t.dated", {"x": fact("x")}, effective=date(2025, 7, 1), until=date(2026, 1, 1))])

    def fires(day):
        return [f.rule.id for f in dated.run([clock_fact(day), {"t": "x"}])] == ["t.dated"]

    assert not fires(date(2025, 6, 30))
    assert fires(date(2025, 7, 1))
    assert fires(date(2025, 12, 31))
    assert not fires(date(2026, 1, 1))


def test_state_is_deleted_after_every_evaluation():
    engine = Engine(CHAIN)
    # durable_rules keeps at most 1,024 live sessions per ruleset: 10,000 runs prove clean-up.
    for _ in range(10_000):
        engine.run([{"t": "x", "n": 7}])
    assert not session_exists(engine, engine.last_session)


def test_threads_get_the_serial_results():
    engine = Engine(CHAIN)
    inputs = [[{"t": "x", "n": n % 10}] for n in range(500)]
    serial = [[f.rule.id for f in engine.run(facts)] for facts in inputs]

    def work(_):
        return [[f.rule.id for f in engine.run(facts)] for facts in inputs]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    assert all(result == serial for result in results)
    assert threading.active_count() < 20  # our host starts no background dispatch threads


def test_a_session_where_nothing_fires_is_deleted_safely():
    # durable_rules segfaults deleting a session in which no action ran; the adapter opens every
    # session with a fact an internal rule answers. A regression here kills the test process.
    engine = Engine([rule("t.join", {"a": fact("a"), "b": fact("b")})])
    for _ in range(50):
        assert engine.run([{"t": "a"}]) == []
    assert not session_exists(engine, engine.last_session)


def test_the_session_rule_id_is_reserved():
    with pytest.raises(EngineError, match="reserved"):
        Engine([rule("core.session-open", {"x": fact("x")})])


# --- the start-up check of durable_rules' internals (core/engine_check.py) ----------------------

def _altered_engine(**changes):
    """A stand-in for `durable.engine` with one internal changed."""
    import types

    from durable import engine as durable_engine

    fake = types.SimpleNamespace(**{name: getattr(durable_engine, name) for name in dir(durable_engine)})
    for name, value in changes.items():
        setattr(fake, name, value)
    return fake


def test_installed_durable_passes_the_startup_check():
    from core.engine_check import check_durable

    check_durable()  # raises on any difference


@pytest.mark.parametrize("change, message", [
    ({"version": "2.0.29"}, "version 2.0.29"),
    ({"host": type("Host", (), {"__init__": lambda self: None})}, "Host._run"),
    ({"missing": "MessageObservedException"}, "MessageObservedException"),
    ({"c_call": "start_action_for_state"}, "start_action_for_state"),
    ({"codes": True}, "result code"),
])
def test_a_different_durable_fails_loudly(change, message):
    import types

    import durable_rules_engine

    from core.engine_check import DURABLE_VERSION, check_durable

    durable = _altered_engine()
    c_engine = types.SimpleNamespace(**{n: getattr(durable_rules_engine, n) for n in dir(durable_rules_engine)})
    version = change.get("version", DURABLE_VERSION)
    if "host" in change:
        durable = _altered_engine(Host=change["host"])
    if "missing" in change:
        durable = _altered_engine(**{change["missing"]: None})
    if "c_call" in change:
        setattr(c_engine, change["c_call"], None)
    if "codes" in change:
        real = durable_rules_engine.assert_fact
        c_engine.assert_fact = lambda handle, fact: (0, real(handle, fact)[1])  # "not handled" reads as handled
    with pytest.raises(EngineError, match=message) as caught:
        check_durable(durable, c_engine, version=version)
    assert "durable-rules==2.0.28" in str(caught.value) and "make install" in str(caught.value)
