"""Two third parties (entry points a-shared and b-shared) claiming one exam id."""

from core import hookimpl
import guest_common as common


@hookimpl
def retake_register_exams(register):
    register(common.exam("shared-exam"))
