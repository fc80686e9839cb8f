"""Prints at import, in every registration hook and in retake_assess."""

from core import hookimpl
import guest_common as common

print("printed at import")


@hookimpl
def retake_register_exams(register):
    print("printed while registering")
    register(common.exam("printing-exam"))


@hookimpl
def retake_assess(exam, profile, as_of):
    print("printed while assessing")
    from plugins.usmle import eligibility

    return eligibility.assess(exam, profile, as_of)


@hookimpl
def retake_register_rules(register):
    print("printed while registering rules")
    register(common.rule("prints"))
