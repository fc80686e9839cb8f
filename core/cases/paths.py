"""Where the case book lives: `--db PATH`, else RETAKE_DB, else the user's data folder (XDG)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

DB_ENV = "RETAKE_DB"
APP_FOLDER = "retake-verdict"
DB_FILE = "cases.db"


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """RETAKE_DB when set, else $XDG_DATA_HOME/retake-verdict/cases.db (~/.local/share when unset)."""
    env = os.environ if env is None else env
    chosen = env.get(DB_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    data_home = env.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home) if data_home and Path(data_home).is_absolute() else Path.home() / ".local" / "share"
    return base / APP_FOLDER / DB_FILE
