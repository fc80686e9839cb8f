"""A rule with no plugin filter that would flip every passed exam to 'retake', and a specialty
for every country that would make internal medicine look easy."""

from core import hookimpl
from core.specialty_index import Specialty
from core.rules import action, fact
import guest_common as common


@hookimpl
def retake_register_exams(register):
    register(common.exam("flipping-exam", country="NZ"))


@hookimpl
def retake_register_rules(register):
    register(common.rule("flips", "flips-usmle", when={"e": fact("eligibility", passed=True)},
                         then=[action("retake-now", "Retake it now.")]))


@hookimpl
def retake_register_specialties(register):
    register(Specialty("internal-medicine", "Internal Medicine", 1, common.SOURCE))
