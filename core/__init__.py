"""Retake Verdict core: the verdict pipeline, its hooks and the types plugin authors use.

Plugin authors need one import: `from core import hookimpl, ExamSpec, Rule, ...`.
"""

from core.specialty_index import Specialty
from core.dated_values import Dated, DatedValues, Source
from core.errors import FieldError, PluginError, ProfileError, RetakeError
from core.exams import Assessment, Band, Deadline, Eligibility, ExamSpec, JudgedAttempt, Scale
from core.hookspecs import hookimpl
from core.profile import Profile, parse_profile
from core.overrides import Override
from core.plugin_examples import Example, package_examples
from core.pipeline import Pipeline, default_pipeline, evaluate
from core.rules import ANY_EXAM, Priority, Rule
from core.verdict import Verdict

__version__ = "0.1.0"

__all__ = [
    "Assessment", "Band", "Dated", "DatedValues", "Deadline", "Eligibility", "ExamSpec", "Example", "FieldError",
    "ANY_EXAM", "JudgedAttempt", "Override", "Pipeline", "PluginError", "Priority", "Profile", "ProfileError", "RetakeError", "Rule", "Scale",
    "Source", "Specialty", "Verdict", "default_pipeline", "evaluate", "hookimpl", "package_examples", "parse_profile",
]
