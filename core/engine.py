"""The durable_rules adapter: rules as data in, fired rules in order out.

What this adapter takes care of (each seen with durable_rules 2.0.28):
- durable_rules has one process-wide engine and a ruleset name can be registered only once, so
  a compiled rule base is registered under a name carrying its content hash and reused.
- The stock `Host` starts two timer threads that poll every ruleset forever; they would touch
  the engine outside our lock. We never use timers or asynchronous actions, so our host runs
  none (`_SynchronousHost`), and every engine call is serialised behind one lock (Streamlit runs
  each browser session in its own thread).
- A fact that no rule matches raises `MessageNotHandledException`, and inside `assert_facts` one
  such fact stops the actions of all the others. So facts are asserted one at a time and "not
  handled" is tolerated per fact.
- Asserting an identical fact twice raises `MessageObservedException`; conclusion facts carry
  the concluding rule's id, and a repeat from the same rule is ignored.
- An exception inside an action is swallowed into the session state under `exception`; we
  check for it and raise `EngineError`.
- Every evaluation uses a fresh session id and always deletes its state (sessions leak about
  100 KB each otherwise, and a ruleset holds at most 1,024 live sessions).
- `delete_state` crashes the process (segmentation fault) for a session in which no action ever
  ran. Every session therefore opens with a fact that an internal rule always answers.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Sequence

from durable import engine as durable_engine
from durable.engine import MessageNotHandledException, MessageObservedException

from core.errors import EngineError
from core.rules import Rule, fact, gte, lt

_LOCK = threading.RLock()
_HOST: "_SynchronousHost | None" = None
_REGISTERED: set[str] = set()
_SESSION_IDS = itertools.count(1)

# The internal rule every session fires once, so durable_rules can delete the session safely.
SESSION_OPEN = "session-open"
_SESSION_RULE = "core.session-open"


class _SynchronousHost(durable_engine.Host):
    """A durable_rules host without the background dispatch threads (see module docstring)."""

    def _run(self) -> None:  # noqa: D401 - overriding the thread starter with nothing
        return None


def _host() -> _SynchronousHost:
    global _HOST
    with _LOCK:
        if _HOST is None:
            _HOST = _SynchronousHost()
        return _HOST


def clock_fact(as_of: date) -> dict[str, Any]:
    """The fact that lets effective-dated rules take part only on their days."""
    return {"t": "clock", "day": as_of.toordinal(), "date": as_of.isoformat()}


def _clock_pattern(rule: Rule) -> dict[str, Any]:
    conditions = []
    if rule.effective is not None:
        conditions.append(gte("day", rule.effective.toordinal()))
    if rule.until is not None:
        conditions.append(lt("day", rule.until.toordinal()))
    return fact("clock", *conditions)


def compile_rule(rule: Rule) -> dict[str, Any]:
    """One rule in durable_rules' JSON ruleset form (without its action)."""
    patterns = [{alias: pattern} for alias, pattern in rule.when.items()]
    if rule.effective is not None or rule.until is not None:
        patterns.append({"clock_": _clock_pattern(rule)})
    return {"all": patterns, "pri": rule.priority}


def _action(rule: Rule):
    conclusions = [dict(conclusion) for conclusion in rule.then]
    rule_id = rule.id

    def record_and_conclude(c: Any) -> None:
        state = c.s._d
        state.setdefault("fired", []).append(rule_id)
        for conclusion in conclusions:
            try:
                c.assert_fact(dict(conclusion, sid=state["sid"], rule=rule_id))
            except MessageObservedException:
                pass  # the same rule matched again and concluded the same fact: once is enough
            except MessageNotHandledException:
                pass  # no rule consumes this conclusion; the pipeline reads it from the trace

    return record_and_conclude


def _open_session(c: Any) -> None:
    """Does nothing: its only job is that every session runs at least one action."""


@dataclass(frozen=True)
class Firing:
    rule: Rule
    order: int


class Engine:
    """One compiled rule base, registered once in the process-wide durable_rules host."""

    def __init__(self, rules: Sequence[Rule]):
        ids = [r.id for r in rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if _SESSION_RULE in ids:
            raise EngineError(f"rule id {_SESSION_RULE!r} is reserved for the engine adapter")
        if duplicates:
            raise EngineError(f"rule ids must be unique; repeated: {', '.join(duplicates)}")
        self.rules: dict[str, Rule] = {r.id: r for r in rules}
        self.definition = {r.id: compile_rule(r) for r in rules}
        digest = hashlib.sha256(json.dumps(self.definition, sort_keys=True, default=str).encode()).hexdigest()
        self.name = f"retake-{digest[:16]}"
        self.fact_types = _fact_types(self.definition)
        self._register()

    def _register(self) -> None:
        with _LOCK:
            if self.name in _REGISTERED:
                return
            definition = {rule_id: dict(compiled) for rule_id, compiled in self.definition.items()}
            for rule_id, compiled in definition.items():
                compiled["run"] = _action(self.rules[rule_id])
            definition[_SESSION_RULE] = {"all": [{"m": {"t": SESSION_OPEN}}], "pri": -1_000_000,
                                         "run": _open_session}
            try:
                _host().register_rulesets({self.name: definition})
            except Exception as exc:  # the C engine rejects a malformed condition here
                raise EngineError(f"the rules do not compile in durable_rules: {exc}") from exc
            _REGISTERED.add(self.name)

    def run(self, facts: Iterable[dict[str, Any]]) -> list[Firing]:
        """Assert `facts` in a fresh session; return the rules that fired, in firing order."""
        sid = f"s{next(_SESSION_IDS)}"
        self.last_session = sid
        host = _host()
        with _LOCK:
            try:
                host.assert_fact(self.name, {"t": SESSION_OPEN, "sid": sid})
                for one in facts:
                    try:
                        host.assert_fact(self.name, dict(one, sid=sid))
                    except MessageNotHandledException:
                        pass  # a fact no rule looks at is not an error
                    except MessageObservedException:
                        pass  # an identical fact is already asserted in this session: once is enough
                state = host.get_state(self.name, sid)
            finally:
                try:
                    host.delete_state(self.name, sid)
                except Exception:  # no state was created (nothing asserted): nothing to free
                    pass
        if "exception" in state:
            raise EngineError(f"a rule action failed inside durable_rules: {state['exception']}")
        return [Firing(self.rules[rule_id], order) for order, rule_id in enumerate(state.get("fired", []))]


def _fact_types(definition: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "t" and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(definition)
    return found


def session_exists(engine: Engine, sid: str) -> bool:
    """True while durable_rules still holds state for `sid` (tests use it to check clean-up)."""
    with _LOCK:
        try:
            _host().get_state(engine.name, sid)
        except Exception:  # durable_rules raises error 309 for an unknown session
            return False
        return True
