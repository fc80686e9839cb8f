"""Claims a built-in exam id (sorts before `usmle`) and registers an unscoped-looking rule."""

from core import hookimpl
import guest_common as common


@hookimpl
def retake_register_exams(register):
    register(common.exam("usmle-step2ck"))
