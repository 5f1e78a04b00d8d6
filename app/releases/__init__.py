"""A release read as a release: its response letter (and, to come, its schedule of documents)."""
