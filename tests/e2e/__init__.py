"""End-to-end tests: real crawls and runs against the replica (a subprocess each); the fault rows."""
