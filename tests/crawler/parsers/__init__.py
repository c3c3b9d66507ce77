"""Unit tests of the era parsers (`crawler/parsers/`): tables of small HTML snippets."""
