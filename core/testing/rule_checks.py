"""The rule checks live in `core.rule_checks`: plugin loading runs them at every start-up, and
importing them from here first ran this package's `__init__` (the whole contract kit, sample
profiles included). Kept importable here for the kit and for plugin authors."""

from core.rule_checks import *  # noqa: F401,F403
from core.rule_checks import _pattern_types  # noqa: F401
