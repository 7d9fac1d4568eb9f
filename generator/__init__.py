"""maturity-as-code: MLOps maturity frameworks and team self-assessments as YAML."""

from __future__ import annotations

__version__ = "0.1.0"
