"""Batch mode: many profiles in (CSV or JSON Lines), one flat verdict record per row out.

Used by `retake batch` and by the dashboard's batch tab; no decision logic lives here, every row
goes through `Pipeline.evaluate`. The promise is that no row is ever lost: a row that cannot be
parsed or judged still yields a record, with `error` naming the field.

    rows, reader = open_rows(stream, "csv")    # streamed: (row number, raw profile dict | ProfileError)
    for record in judge_rows_parallel(rows, as_of, jobs=2):   # one flat dict per input row, in order
        ...
    with atomic_writer(path) as fh:            # temp file in the same folder, renamed at the end
        write_records(records, fh, "csv")

CSV columns (one row per person; empty cell = field left out; header names are case-insensitive):

- `exam`, `programs_accept_retakes`
- `attempt1_date`, `attempt1_score`, `attempt1_result`, `attempt1_pass_mark`, `attempt1_result_date`,
  `attempt1_part_<name>` (a sub-score such as `attempt1_part_listening`), then `attempt2_…`, … oldest first
- `target_country`, `target_specialty`, `target_setting`
- `plan_predicted_score`, `plan_evidence`, `plan_months_to_application`, `plan_prep_months`
- `application_<field>` for every field of the profile's `application` block
- `exceptions_time_limit_expired`

JSON Lines: one profile object per line, the same schema as a YAML/JSON profile. Blank lines give
no row but are counted: `row` is the line under the header for CSV (1 = the first, so row N is
spreadsheet row N + 1) and the line number for JSON Lines. Reading streams (`open_rows`), and a
line that cannot be read is that row's error (see `core.batch.reading`).

Layout: `schema` (formats, the CSV columns and where each goes in a profile), `reading`,
`row_verdicts` and `writing`; every public name is importable from `core.batch` itself.
"""

from core.batch.row_verdicts import BatchStats, judge_row, judge_rows
from core.batch.parallel import default_jobs, judge_rows_parallel
from core.batch.reading import MAX_BATCH_BYTES, CountingReader, Row, open_rows, profile_rows
from core.batch.schema import (
    ATTEMPT_FIELDS, EXTENSIONS, MAX_ATTEMPT_COLUMNS, OUTPUT_COLUMNS, SECTIONS, TOP_COLUMNS, Format, column_name,
    csv_columns, detect_format, output_format,
)
from core.batch.uploads import judge_upload
from core.batch.writing import (
    FORMULA_STARTS, LIST_SEPARATOR, RecordWriter, atomic_writer, current_umask, records_text, write_records,
)

__all__ = [
    "FORMULA_STARTS", "MAX_BATCH_BYTES", "CountingReader", "current_umask", "default_jobs", "judge_row",
    "judge_rows_parallel", "judge_upload", "open_rows",
    "ATTEMPT_FIELDS", "EXTENSIONS", "LIST_SEPARATOR", "MAX_ATTEMPT_COLUMNS", "OUTPUT_COLUMNS", "SECTIONS",
    "TOP_COLUMNS", "BatchStats", "Format", "RecordWriter", "Row", "atomic_writer", "column_name", "csv_columns",
    "detect_format", "judge_rows", "output_format", "profile_rows", "records_text", "write_records",
]
