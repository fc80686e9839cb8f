"""Start-up check of the durable_rules internals that core/engine.py relies on.

durable-rules has had no release since 2020 and the adapter drives it below its public API, so a
different build (another version, a fork, a C extension built without the Python 3.13 define)
could misbehave silently. `check_durable()` runs once, before the first rule set is registered,
and raises EngineError naming the first internal that is not as expected. Each item below is one
thing core/engine.py depends on:

1. the installed distribution is the pinned version;
2. `durable.engine.Host._run`, the private method `_SynchronousHost` overrides to start no timer
   threads, exists and is what `Host.__init__` calls;
3. `Host.register_rulesets` / `get_ruleset(name)._handle` (a private attribute: the C handle);
4. the C calls `create_ruleset`, `assert_fact`, `start_action_for_state`,
   `complete_and_start_action`, `delete_state` exist;
5. their result codes: 0 handled, 1 not handled, 2 already observed (`_RULES_OK`, ...);
6. an action message is a JSON object whose one top-level key is the rule name (`_action_name`);
7. `MessageNotHandledException` / `MessageObservedException` exist (the stock host's actions);
8. an unknown session's state cannot be read (`session_exists`), and a deleted one is gone.

The behaviour items (5, 6, 8) are checked on a two-rule probe rule set in the C engine itself,
which costs well under a millisecond.
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import EngineError

DURABLE_VERSION = "2.0.28"
_C_CALLS = ("create_ruleset", "assert_fact", "start_action_for_state", "complete_and_start_action",
            "delete_state", "get_state")
_HINT = (f"this program needs durable-rules=={DURABLE_VERSION} exactly, built from its sdist "
         "(on Python 3.13+ with CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject): run `make install`")


def _fail(what: str) -> EngineError:
    return EngineError(f"durable_rules is not the build this adapter was written for: {what}; {_HINT}")


def installed_version() -> str | None:
    from importlib import metadata

    for name in ("durable_rules", "durable-rules"):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def check_durable(durable_engine: Any = None, c_engine: Any = None, *, version: str | None = None) -> None:
    """Raise EngineError unless every internal listed in the module docstring is as expected.

    The modules can be passed in (tests hand in altered copies); by default the installed ones.
    """
    if durable_engine is None:
        from durable import engine as durable_engine
    if c_engine is None:
        import durable_rules_engine as c_engine
    found = version if version is not None else installed_version()
    if found != DURABLE_VERSION:
        raise _fail(f"version {found or 'unknown'} is installed")
    host = getattr(durable_engine, "Host", None)
    if host is None or not callable(getattr(host, "_run", None)):
        raise _fail("durable.engine.Host._run (overridden to start no timer threads) is missing")
    # Read from the compiled code, not the source (cheap at start-up): the names a function uses.
    if "_run" not in _names(host.__init__):
        raise _fail("Host.__init__ no longer starts its threads through Host._run")
    for name in ("register_rulesets", "get_ruleset", "get_state"):
        if not callable(getattr(host, name, None)):
            raise _fail(f"durable.engine.Host.{name} is missing")
    for name in ("MessageNotHandledException", "MessageObservedException"):
        if not isinstance(getattr(durable_engine, name, None), type):
            raise _fail(f"durable.engine.{name} is missing")
    ruleset = getattr(durable_engine, "Ruleset", None)
    if ruleset is None or not {"_handle", "create_ruleset"} <= _names(ruleset.__init__):
        raise _fail("Ruleset no longer keeps its C handle in Ruleset._handle")
    missing = [name for name in _C_CALLS if not callable(getattr(c_engine, name, None))]
    if missing:
        raise _fail(f"the C extension lacks {', '.join(missing)}")
    _probe(c_engine)


def _names(function: Any) -> set[str]:
    code = getattr(function, "__code__", None)
    return set(code.co_names) if code is not None else set()


_probe_count = 0


def _probe(c_engine: Any) -> None:
    """Items 5, 6 and 8 on a fresh two-rule rule set: one fact fires `probe.first`, whose
    completion is followed by no further action; unmatched and repeated facts give codes 1 and 2."""
    global _probe_count
    _probe_count += 1
    name = f"retake-engine-probe-{_probe_count}"
    definition = {"probe.first": {"all": [{"m": {"t": "probe"}}]},
                  "probe.other": {"all": [{"m": {"t": "never"}}]}}
    try:
        handle = c_engine.create_ruleset(name, json.dumps(definition))
        sid = "probe"
        code, offset = c_engine.assert_fact(handle, json.dumps({"t": "nobody", "sid": sid}))
        if code != 1:
            raise _fail(f"an unmatched fact gave result code {code}, not 1 (not handled)")
        fact = json.dumps({"t": "probe", "sid": sid})
        code, offset = c_engine.assert_fact(handle, fact)
        if code != 0:
            raise _fail(f"a matched fact gave result code {code}, not 0")
        started = c_engine.start_action_for_state(handle, offset)
        message = json.loads(started[1]) if started else None
        if not isinstance(message, dict) or list(message) != ["probe.first"]:
            raise _fail(f"an action message is {started!r}, not an object keyed by the rule name")
        if c_engine.complete_and_start_action(handle, offset):
            raise _fail("a completed action was followed by another one that nothing asked for")
        code, _ = c_engine.assert_fact(handle, fact)
        if code != 2:
            raise _fail(f"an identical fact asserted twice gave result code {code}, not 2 (observed)")
        c_engine.delete_state(handle, sid)
        try:
            c_engine.get_state(handle, sid)
        except Exception:  # noqa: BLE001 - the expected outcome: a deleted session has no state
            pass
        else:
            raise _fail("a deleted session's state can still be read")
        if hasattr(c_engine, "delete_ruleset"):
            c_engine.delete_ruleset(handle)
    except EngineError:
        raise
    except Exception as exc:  # noqa: BLE001 - any surprise from the C engine is the same failure
        raise _fail(f"the probe rule set failed: {type(exc).__name__}: {exc}") from exc
