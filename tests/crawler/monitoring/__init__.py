"""Unit tests of `crawler/monitoring/`: checks, run history, alerts."""
