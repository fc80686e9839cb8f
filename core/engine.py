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
- Speed: the stock host spends about two thirds of an evaluation in Python bookkeeping around the
  C engine (a closure, a promise and two clock reads per action, the session state re-encoded as
  JSON after every action, a new JSON encoder per fact). `Engine.run` drives the same C calls in
  the same order (assert one fact, then start/complete actions until none is left) and keeps
  the fired order in Python; durable_rules' host is still used to register rule sets.
- All of this leans on durable_rules internals (a private method, a private attribute, C calls,
  result codes, the action message's shape): `core.engine_check` verifies each one before the
  first rule set is registered, so a different durable-rules fails with a clear EngineError.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Sequence

from core.engine_check import DURABLE_VERSION, check_durable
from core.errors import EngineError

try:
    import durable_rules_engine
    from durable import engine as durable_engine
    from durable.engine import MessageNotHandledException, MessageObservedException
except ImportError as exc:  # e.g. built on Python 3.13 without the define: undefined PyEval_CallObject
    raise EngineError(
        f"durable-rules cannot be imported ({exc}); this program needs durable-rules=={DURABLE_VERSION} built "
        "from its sdist (on Python 3.13+ with CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject): run `make install`"
    ) from exc
from core.rules import Rule, fact, gte, lt

_LOCK = threading.RLock()
_HOST: "_SynchronousHost | None" = None
_REGISTERED: set[str] = set()
# Per registered rule set: durable_rules' C handle, and the conclusions of the rules registered
# under that name (the first registration's, as with durable_rules' own actions).
_HANDLES: dict[str, int] = {}
_CONCLUSIONS: dict[str, "dict[str, _Conclusions | None]"] = {}
# The fact types some pattern requires, when every pattern requires one (else None): a fact of
# any other type cannot match, so asserting it only earns "not handled" and is skipped.
_MATCHED_TYPES: dict[str, "set[str] | None"] = {}
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
            check_durable(durable_engine, durable_rules_engine)  # fails loudly on a different durable
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
    """The action durable_rules' own host would run (kept for `register_rulesets`; `Engine.run`
    uses `_Conclusions` instead)."""
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


# Facts and conclusions are encoded as durable_rules' own Python host encodes them.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode

# durable_rules' C result codes (src/rules/rules.h).
_RULES_OK, _NOT_HANDLED, _OBSERVED, _DEFERRED = 0, 1, 2, 3


class _Conclusions:
    """One rule's conclusion facts, encoded once; only the session id changes per evaluation.

    `asserted[i]` says whether conclusion i can match any pattern at all; one that cannot (a red
    flag, an action: read from the trace, never by a rule) is encoded but not asserted, which is
    what asserting it came to (durable_rules answers "not handled")."""

    def __init__(self, rule: Rule, matched_types: set[str] | None = None):
        self.rule_id = rule.id
        self.raw = [dict(conclusion) for conclusion in rule.then]
        self.asserted = [matched_types is None or c.get("t") in matched_types for c in self.raw]
        try:
            # {"t": ..., ..., "rule": id} with the session id appended as the last field.
            self.heads: list[str] | None = [
                _ENCODE(dict(conclusion, rule=rule.id))[:-1] + ', "sid": "' for conclusion in self.raw
            ]
        except (TypeError, ValueError):
            self.heads = None  # not JSON: encoding at run time raises inside the action, as before

    def encoded(self, sid: str) -> list[str]:
        if self.heads is not None and all("sid" not in c for c in self.raw):
            return [head + sid + '"}' for head in self.heads]
        return [_ENCODE(dict(conclusion, sid=sid, rule=self.rule_id)) for conclusion in self.raw]


def _open_session(c: Any) -> None:
    """Does nothing: its only job is that every session runs at least one action."""


@dataclass(frozen=True)
class Firing:
    rule: Rule
    order: int


class Engine:
    """One compiled rule base, registered once in the process-wide durable_rules host."""

    def __init__(self, rules: Sequence[Rule], register: bool = True):
        """Compile `rules`; with `register=False` durable_rules sees them only at the first `run`
        (the full rule base is named and hashed for the rules version, but each verdict runs the
        smaller rule set of its exam: `core.rulebase.RuleBase.engine_for`)."""
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
        if register:
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
            _HANDLES[self.name] = _host().get_ruleset(self.name)._handle
            matched = _matched_types(definition)
            conclusions: dict[str, _Conclusions | None] = {
                rule_id: _Conclusions(self.rules[rule_id], matched) for rule_id in self.definition
            }
            _MATCHED_TYPES[self.name] = matched
            conclusions[_SESSION_RULE] = None
            _CONCLUSIONS[self.name] = conclusions
            _REGISTERED.add(self.name)

    def run(self, facts: Iterable[dict[str, Any]]) -> list[Firing]:
        """Assert `facts` in a fresh session; return the rules that fired, in firing order."""
        if self.name not in _REGISTERED:
            self._register()
        sid = f"s{next(_SESSION_IDS)}"
        self.last_session = sid
        fired: list[str] = []
        failures: list[str] = []
        with _LOCK:
            handle = _HANDLES[self.name]
            conclusions = _CONCLUSIONS[self.name]
            matched = _MATCHED_TYPES[self.name]
            try:
                self._assert(handle, _ENCODE({"t": SESSION_OPEN, "sid": sid}), sid, conclusions, fired, failures)
                for one in facts:
                    if matched is not None and one.get("t") not in matched:
                        continue  # no pattern looks at this type: durable_rules would answer "not handled"
                    self._assert(handle, _ENCODE(dict(one, sid=sid)), sid, conclusions, fired, failures)
            except BaseException:  # a Ctrl-C or SIGTERM landing mid-session, or a bug: unwind safely
                _settle(handle)
                raise
            finally:
                try:
                    durable_rules_engine.delete_state(handle, sid)
                except Exception:  # no state was created (nothing asserted): nothing to free
                    pass
        if failures:
            raise EngineError(f"a rule action failed inside durable_rules: {failures[0]}")
        return [Firing(self.rules[rule_id], order) for order, rule_id in enumerate(fired)]

    @staticmethod
    def _assert(handle: int, encoded: str, sid: str, conclusions: dict[str, _Conclusions | None],
                fired: list[str], failures: list[str]) -> None:
        """Assert one fact, then run every action it makes ready (and those their conclusions make
        ready), as durable_rules' host does: start, act, complete-and-start-next, until none."""
        code, state_offset = durable_rules_engine.assert_fact(handle, encoded)
        if code == _NOT_HANDLED or code == _OBSERVED:
            return  # a fact no rule looks at, or one already asserted in this session: not an error
        if code == _DEFERRED:
            state_offset = 0
        started = durable_rules_engine.start_action_for_state(handle, state_offset)
        if not started:
            return
        message = started[1]
        while message:
            rule_id = _action_name(message)
            if rule_id != _SESSION_RULE:
                fired.append(rule_id)
                try:
                    rule_conclusions = conclusions[rule_id]
                    for fact_json, asserted in zip(rule_conclusions.encoded(sid), rule_conclusions.asserted):
                        # NOT_HANDLED: no rule consumes it (the pipeline reads it from the trace);
                        # OBSERVED: the same rule concluded the same fact again: once is enough.
                        if asserted:
                            durable_rules_engine.assert_fact(handle, fact_json)
                except Exception as exc:  # noqa: BLE001 - surfaced as EngineError once the session ends
                    failures.append(f"exception caught {exc}")
            message = durable_rules_engine.complete_and_start_action(handle, state_offset)


def _settle(handle: int) -> None:
    """Finish, without running them, the actions a session interrupted mid-way still has queued.

    durable_rules frees a session's state in `delete_state`; a state with an action queued but not
    yet started is freed twice and the process aborts ("double free or corruption", exit 134: seen
    when Ctrl-C landed just after a rule set's first session opened). Started and completed here,
    the actions leave a quiet state that `delete_state` frees cleanly. Runs under `_LOCK`, so every
    queued action is this session's. Bounded: a session never queues more than its rules' worth.
    """
    for _ in range(100_000):
        started = durable_rules_engine.start_action(handle)
        if not started:
            return
        offset = started[2]
        while durable_rules_engine.complete_and_start_action(handle, offset):
            pass


def _action_name(message: str) -> str:
    """The rule id a durable_rules action message is for: its one top-level key.

    Rule ids are dotted lower-case words (no quotes or escapes), so the key is read directly.
    """
    if message.startswith('{"'):
        end = message.find('"', 2)
        if end > 2:
            return message[2:end]
    return next(iter(json.loads(message)))


def _matched_types(definition: dict[str, Any]) -> set[str] | None:
    """The fact types the rule set's patterns require, or None when some pattern does not pin its
    fact's type (then any fact might match, and every fact is asserted)."""
    found: set[str] = set()
    for compiled in definition.values():
        if set(compiled) - {"all", "pri", "run"}:
            return None
        for pattern in compiled.get("all", ()):
            if not isinstance(pattern, dict) or len(pattern) != 1:
                return None
            (condition,) = pattern.values()
            kind = _required_type(condition)
            if kind is None:
                return None
            found.add(kind)
    return found


def _required_type(condition: Any) -> str | None:
    if not isinstance(condition, dict):
        return None
    if isinstance(condition.get("t"), str):
        return condition["t"]
    parts = condition.get("$and")
    if len(condition) == 1 and isinstance(parts, list):
        for part in parts:
            if isinstance(part, dict) and len(part) == 1 and isinstance(part.get("t"), str):
                return part["t"]
    return None


def session_exists(engine: Engine, sid: str) -> bool:
    """True while durable_rules still holds state for `sid` (tests use it to check clean-up)."""
    with _LOCK:
        try:
            _host().get_state(engine.name, sid)
        except Exception:  # durable_rules raises error 309 for an unknown session
            return False
        return True
