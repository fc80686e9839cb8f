"""One rule whose condition durable_rules cannot compile."""

from core import hookimpl
import guest_common as common


@hookimpl
def retake_register_exams(register):
    register(common.exam("broken-condition-exam"))


@hookimpl
def retake_register_rules(register):
    register(common.rule("broken-condition", "broken", when={"e": {"$and": [{"t": "eligibility"}, {"$lt": "not-a-mapping"}]}}))
