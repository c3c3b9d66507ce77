"""Test support, shared by the tests (no test module imports another): crawls of the replica
(`crawling`), `cri-crawler run` (`run`), archive checks and kills (`archive`, `kill`), a tiny
spider fed from a JSON Lines file and its runner, fault injectors, real material, paths."""
