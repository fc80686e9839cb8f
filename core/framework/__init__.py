"""The retake decision framework (the seed text), as rules and facts."""

from core.framework.rules import FRAMEWORK_RULES, REASON_TONES

__all__ = ["FRAMEWORK_RULES", "REASON_TONES"]
