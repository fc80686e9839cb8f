"""An exam spec borrowed from the built-in USMLE plugin, renamed, for crafted plugins."""

from __future__ import annotations

import dataclasses

from core.dated_values import Source
from core.rules import Rule, decision, fact

SOURCE = Source("crafted test plugin", "https://example.org/crafted")


def exam(exam_id: str = "guest-exam", country: str = "US"):
    from plugins.usmle import policy

    return dataclasses.replace(policy.EXAMS[-1], id=exam_id, name=f"Guest exam {exam_id}", country=country, plugin="")


def rule(plugin: str, suffix: str = "decides", when=None, then=None, text: str = "A crafted rule.") -> Rule:
    return Rule(id=f"{plugin}.{suffix}", title="Crafted", when=when or {"e": fact("eligibility")},
                then=then or [decision("retake")], text=text, source=SOURCE)
