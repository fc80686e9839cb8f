"""Published under the entry-point name `usmle` by another package."""

from core import hookimpl
import guest_common as common


@hookimpl
def retake_register_exams(register):
    register(common.exam("fake-usmle-exam"))
