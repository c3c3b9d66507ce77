"""The Esperanto edition, esperanto.cri.cn: the current platform (E4), with the E3 articles
it serves again (migrated, linked without `.shtml`)."""

from __future__ import annotations

from crawler.editions.base import read_edition

EDITION = read_edition("esperanto", eras=("E3", "E4"))
