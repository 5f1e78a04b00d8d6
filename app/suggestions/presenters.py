"""The JSON views of keyword rules and suggestions."""

import json

from app.core.catalogue import meaning, statute
from app.models import Suggestion, TagRule


def rule_json(rule: TagRule) -> dict:
    """The API view of a rule."""
    phrases = None if rule.is_regex else rule.pattern.splitlines()
    return {
        "id": rule.id,
        "tag": rule.tag.full_name,
        "phrases": phrases,
        "regex": rule.pattern if rule.is_regex else None,
        "scope": rule.scope,
    }


def suggestion_json(suggestion: Suggestion) -> dict:
    """The API view of a suggestion."""
    return {
        "id": suggestion.id,
        "document_id": suggestion.document_id,
        "page": suggestion.page,
        "kind": suggestion.kind,
        "start": suggestion.start,
        "end": suggestion.end,
        "rect": json.loads(suggestion.rect_json) if suggestion.rect_json else None,
        "rects": suggestion.rects,
        "exact": suggestion.exact if suggestion.kind == "text" else None,
        "tag": suggestion.tag.full_name,
        "colour": suggestion.tag.colour,
        "ground": suggestion.ground,
        "grounds": suggestion.grounds,
        "meaning": meaning(suggestion.regime, suggestion.ground) if suggestion.ground else None,
        "statute": statute(suggestion.regime, suggestion.ground) if suggestion.ground else None,
        "source": suggestion.source_label,
        "rule_id": suggestion.rule_id,
        "status": suggestion.status,
        "annotation_id": suggestion.annotation_id,
    }
