"""The Esperanto edition, esperanto.cri.cn: the current platform (E4) only."""

from __future__ import annotations

from crawler.editions.base import read_edition

EDITION = read_edition("esperanto", eras=("E4",))
