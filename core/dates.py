"""Old name of `core.calendar_math`, kept for third-party plugins until the next release.

Import `core.calendar_math` instead; this module re-exports it and warns once.
"""

import warnings

from core.calendar_math import *  # noqa: F401,F403  (the whole public surface, unchanged)

warnings.warn("core.dates is now core.calendar_math; the old name goes in the next release",
              DeprecationWarning, stacklevel=2)
