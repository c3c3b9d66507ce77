"""Unit tests of `pipelines/`, in process: clean, validate, dedupe and store."""
