"""Unit tests of `crawler/`: `test_<module>.py` for `crawler/<module>.py`."""
