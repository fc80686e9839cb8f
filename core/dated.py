"""Old name of `core.dated_values`, kept for third-party plugins until the next release.

Import `core.dated_values` instead; this module re-exports it and warns once.
"""

import warnings

from core.dated_values import *  # noqa: F401,F403  (the whole public surface, unchanged)

warnings.warn("core.dated is now core.dated_values; the old name goes in the next release",
              DeprecationWarning, stacklevel=2)
