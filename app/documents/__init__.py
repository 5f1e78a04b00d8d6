"""Documents: upload, metadata, processing status and pages."""
