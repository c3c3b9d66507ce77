"""The Polish edition, polish.cri.cn (also polish.cgtn.com): all four eras of its site."""

from __future__ import annotations

from crawler.editions.base import read_edition

EDITION = read_edition("polish", eras=("E1", "E2", "E3", "E4"))
