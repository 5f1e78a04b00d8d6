"""Annotations: tag sets, tagged passages and regions, their history and anchoring."""
