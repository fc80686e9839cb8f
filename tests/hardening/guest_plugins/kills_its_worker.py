"""A plugin whose retake_assess kills its own process (as a segfault or the OOM killer would), for
the batch's worker-death test. Only the exam `dying-exam` triggers it."""

import os
import signal

from core import hookimpl
import guest_common as common


@hookimpl
def retake_register_exams(register):
    register(common.exam("dying-exam"))


@hookimpl
def retake_assess(exam, profile, as_of):
    os.kill(os.getpid(), signal.SIGKILL)
