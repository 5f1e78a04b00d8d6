"""Suggestions: proposed annotations from redaction boxes and keyword rules, and their review."""
