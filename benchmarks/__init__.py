"""Benchmarks: scripts that print figures and write them to results files."""
