"""Ingest: the top-level step that turns an upload into pages, boxes and suggestions, and the
worker jobs that run it. It may use every feature; no feature imports it."""
