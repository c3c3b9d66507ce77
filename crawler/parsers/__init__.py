"""Page parsers: pure functions and classes from a parsed page (or API answer) to an Extract.
Which era uses which parser is declared in `crawler/eras.py`."""
