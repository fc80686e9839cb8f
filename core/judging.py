"""Old name of `core.scoring`, kept for third-party plugins until the next release.

Import `core.scoring` instead; this module re-exports it and warns once.
"""

import warnings

from core.scoring import *  # noqa: F401,F403  (the whole public surface, unchanged)

warnings.warn("core.judging is now core.scoring; the old name goes in the next release",
              DeprecationWarning, stacklevel=2)
