"""Plugin loading: entry points, isolation of broken plugins, strict mode, check_pending."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

import core
from core import hookimpl
from core.errors import PluginError
from core.pipeline import Pipeline
from core.plugins import ENTRY_POINT_GROUP, build_registry


def test_core_is_this_project():
    # The installed `core` must be this repository's, not another distribution's.
    here = Path(__file__).resolve().parents[2]
    assert Path(core.__file__).resolve().parent == here / "core"
    dist = metadata.distribution("retake-verdict")
    direct_url = dist.read_text("direct_url.json")
    if direct_url:  # pip install [-e] of a folder: it must be this checkout, not some other one
        assert json.loads(direct_url)["url"] == here.as_uri()
    else:  # a wheel: its files must include this package
        assert any(str(f).startswith("core/") for f in dist.files or [])


def test_built_ins_load_through_entry_points():
    names = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert {"usmle", "plab", "mccqe"} <= names
    registry = build_registry()
    loaded = {p.name: p for p in registry.plugins}
    assert loaded["usmle"].ok and loaded["usmle"].origin == "entry point"
    assert {"usmle-step1", "usmle-step2ck", "usmle-step3"} <= set(registry.exams)


def test_env_narrows_loaded_plugins():
    registry = build_registry(env={"RETAKE_PLUGINS": "usmle"})
    assert [p.name for p in registry.plugins] == ["usmle"]


class RaisesOnRegister:
    @hookimpl
    def retake_register_exams(self, register):
        raise RuntimeError("boom")


class Misspelt:
    @hookimpl
    def retake_register_exam(self, register):  # missing the final 's'
        pass


class BadRule:
    @hookimpl
    def retake_register_rules(self, register):
        from core.dated_values import Source
        from core.rules import Rule

        register(Rule(id="Bad Id", title="", when={}, text="", source=Source("")))


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [(RaisesOnRegister(), "boom"), (Misspelt(), "retake_register_exam"), (BadRule(), "rule id")],
    ids=["raises", "misspelt-hook", "bad-rule"],
)
def test_broken_plugin_is_reported_by_name_and_the_rest_work(plugin, expected, profile_data, as_of):
    registry = build_registry(extra=[("broken", plugin)])
    (broken,) = registry.load_errors
    assert broken.name == "broken" and expected in broken.error
    assert Pipeline(registry).evaluate(profile_data, as_of).decision == "not_allowed"


def test_strict_mode_makes_a_broken_plugin_fatal():
    with pytest.raises(PluginError, match="broken"):
        build_registry(extra=[("broken", RaisesOnRegister())], env={"RETAKE_STRICT_PLUGINS": "1"})


def test_entry_point_that_fails_to_import_is_reported(monkeypatch, profile_data, as_of):
    real = metadata.entry_points

    def with_a_broken_one(group=None, **kwargs):
        found = list(real(group=group, **kwargs)) if group else real(**kwargs)
        if group == ENTRY_POINT_GROUP:
            found.append(metadata.EntryPoint("ghost", "no_such_module_xyz", ENTRY_POINT_GROUP))
        return found

    monkeypatch.setattr(metadata, "entry_points", with_a_broken_one)
    registry = build_registry()
    (ghost,) = registry.load_errors
    assert ghost.name == "ghost" and "No module named" in ghost.error
    assert Pipeline(registry).evaluate(profile_data, as_of).exam == "usmle-step2ck"


def test_duplicate_exam_id_is_refused():
    from plugins.usmle import policy

    class Again:
        @hookimpl
        def retake_register_exams(self, register):
            register(policy.EXAMS[0])

    registry = build_registry(extra=[("usmle-again", Again())])
    (again,) = registry.load_errors
    assert again.name == "usmle-again" and "belongs to the built-in plugin 'usmle'" in again.error


def test_registering_the_same_module_twice_is_refused():
    from plugins import usmle

    registry = build_registry(extra=[("usmle-twice", usmle)])
    (twice,) = registry.load_errors
    assert twice.name == "usmle-twice"


def test_plugin_specialty_overrides_the_default_for_its_country_only():
    from core.specialty_index import Specialty
    from core.dated_values import Source

    class Context:
        @hookimpl
        def retake_register_specialties(self, register):
            register(Specialty("psychiatry", "Psychiatry", 55, Source("test"), country="GB"))

    registry = build_registry(extra=[("context", Context())], entry_points=False)
    assert registry.specialty("psychiatry", "GB").competitiveness == 55
    assert registry.specialty("psychiatry", "US").competitiveness == 40
