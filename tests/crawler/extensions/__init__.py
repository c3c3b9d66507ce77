"""Unit tests of `crawler/extensions/`."""
