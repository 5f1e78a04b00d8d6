"""Reading redactions: withholding grounds, redaction boxes, their pairing and summaries."""
