"""The dashboard's process-wide pipeline and its text safety helper.

`RETAKE_DASHBOARD_PLUGINS` (comma-separated module names, each optionally `name=module`) registers
extra plugin modules in code next to the installed entry points: plugin authors try a plugin before
packaging it, and tests inject a broken one. A module that fails to import is reported like any
failed plugin. `RETAKE_PLUGINS` narrows the entry points as everywhere else.
"""

from __future__ import annotations

import importlib
import os
import re

import streamlit as st

from core.pipeline import Pipeline
from core.plugins import PluginInfo, build_registry

EXTRA_PLUGINS_ENV = "RETAKE_DASHBOARD_PLUGINS"


def _extra_plugins(spec: str) -> tuple[list[tuple[str, object]], list[PluginInfo]]:
    plugins: list[tuple[str, object]] = []
    failed: list[PluginInfo] = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, module = item.rpartition("=")
        name = name or module.rsplit(".", 1)[-1]
        try:
            plugins.append((name, importlib.import_module(module)))
        except Exception as exc:  # noqa: BLE001 - the plugin's fault, reported by name like any other
            failed.append(PluginInfo(name, "?", "registered in code",
                                     error=f"{type(exc).__name__} while importing: {exc}"))
    return plugins, failed


@st.cache_resource(show_spinner="Loading the exam plugins and compiling the rules…")
def _pipeline(extra_spec: str, only: str | None, strict: str | None) -> Pipeline:
    # The arguments only key the cache: build_registry reads the same variables itself.
    plugins, failed = _extra_plugins(extra_spec)
    registry = build_registry(extra=plugins)
    registry.plugins.extend(failed)
    return Pipeline(registry)


def get_pipeline() -> Pipeline:
    """The pipeline for this process's plugin configuration, built once (never per rerun)."""
    env = os.environ
    return _pipeline(env.get(EXTRA_PLUGINS_ENV, ""), env.get("RETAKE_PLUGINS"), env.get("RETAKE_STRICT_PLUGINS"))


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Text shown through Streamlit's markdown exactly as typed: no links, images, colours or HTML."""
    return _MARKDOWN.sub(r"\\\1", str(text))
