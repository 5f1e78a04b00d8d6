"""Exports of annotated excerpts (Markdown, Word, CSV, JSON-LD, annotated PDF, clips) and JSON-LD import."""
