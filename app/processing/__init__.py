"""Document processing: the job queue, the worker and sandboxed parsing."""
