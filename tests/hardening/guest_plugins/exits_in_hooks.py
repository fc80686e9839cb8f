"""sys.exit() in retake_assess (set WHERE=register for the registration hook)."""

import sys

from core import hookimpl
import guest_common as common

WHERE = "assess"


@hookimpl
def retake_register_exams(register):
    if WHERE == "register":
        sys.exit(4)
    register(common.exam("exiting-exam"))


@hookimpl
def retake_assess(exam, profile, as_of):
    if WHERE == "interrupt":
        raise KeyboardInterrupt
    if WHERE == "sleep":
        import time

        time.sleep(3600)  # blocked in C, on the caller's (main) thread
    sys.exit(5)
