"""The request bodies of keyword rules."""

from typing import Literal

from pydantic import field_validator, model_validator

from app.core.matching import MAX_PATTERN, RuleRefused, compile_rule
from app.validation import Schema


class RuleChanges(Schema):
    """PATCH /api/rules/<id>: any of these; phrases or regex replaces the rule's pattern."""

    tag: str = None
    scope: Literal["phrase", "sentence"] = None
    phrases: str | list[str] = None
    regex: str = None

    @field_validator("phrases")
    @classmethod
    def _phrases(cls, phrases: str | list[str]) -> str:
        """Phrases one per line (a list, or text with one per line), blank lines dropped."""
        lines = phrases.splitlines() if isinstance(phrases, str) else phrases
        pattern = "\n".join(p.strip() for p in lines if p.strip())
        if not pattern or len(pattern) > MAX_PATTERN:
            raise ValueError(f"Give at least one phrase, {MAX_PATTERN:,} characters at most in all")
        return pattern

    @field_validator("regex")
    @classmethod
    def _regex(cls, pattern: str) -> str:
        if len(pattern) > MAX_PATTERN:
            raise ValueError(f"A regular expression is text of at most {MAX_PATTERN:,} characters")
        try:
            compile_rule(pattern, is_regex=True)
        except RuleRefused as refused:
            raise ValueError(str(refused).rstrip(".")) from None
        return pattern


class NewRule(RuleChanges):
    """POST /api/projects/<id>/rules: a tag and its phrases or a regular expression."""

    tag: str
    scope: Literal["phrase", "sentence"] = "phrase"

    @model_validator(mode="after")
    def _one_pattern(self) -> "NewRule":
        if not (self.regex or self.phrases):
            raise ValueError("Give phrases (a list, or one per line) or a regex")
        return self

    @property
    def pattern(self) -> str:
        """The regex if one is given, otherwise the phrases one per line."""
        return self.regex or self.phrases
