"""Test support: a tiny spider fed from a JSON Lines file, its runner, fault injectors, helpers."""
