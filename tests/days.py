"""The one fixed day every test judges on (tests never read the clock). Import it as
`from days import AS_OF` (pyproject's pytest `pythonpath` puts tests/ on the path)."""

from datetime import date

AS_OF = date(2026, 11, 25)
AS_OF_TEXT = AS_OF.isoformat()  # for command lines: --as-of 2026-11-25
