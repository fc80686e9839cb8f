"""The case book: named candidate profiles kept on this machine, each with its history of verdicts.

    store = open_store()                             # sqlite file under the user's data folder
    case = add_case(store, "amira", profile, as_of)  # validated, judged, saved in one transaction
    report = recheck(store, as_of)                   # re-judge every case with the installed rules
    for change in report.changed: ...                # what moved since each case's last verdict

Layout: `store` (the CaseStore protocol every back end implements, and the records it holds),
`sqlite_store` (the default back end), `migrations` (versioned schema), `paths` (where the file
lives), `verdict_records` (a stored profile -> verdict record), `diff` (two verdicts -> what changed),
`recheck` and `importing` (whole-book operations built on the protocol only).
Nothing here opens a network connection: cases stay in one local file.
"""

from core.cases.diff import CaseChange, FieldChange, diff_verdicts
from core.cases.verdict_records import judge_profile, stored_profile
from core.cases.operations import add_case, update_case
from core.cases.paths import DB_ENV, default_db_path
from core.cases.recheck import RecheckReport, recheck
from core.cases.store import (
    Case, CaseError, CaseExists, CaseNotFound, CaseStore, CaseSummary, VerdictRecord,
)
from core.cases.sqlite_store import SCHEMA_VERSION, SQLiteStore, open_store

__all__ = [
    "DB_ENV", "SCHEMA_VERSION", "Case", "CaseChange", "CaseError", "CaseExists", "CaseNotFound", "CaseStore",
    "CaseSummary", "FieldChange", "RecheckReport", "SQLiteStore", "VerdictRecord", "add_case", "default_db_path",
    "diff_verdicts", "judge_profile", "open_store", "recheck", "stored_profile", "update_case",
]
