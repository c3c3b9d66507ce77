"""`cri-crawler export`: the archive (JSON Lines by day, left as it is) as a dataset others load
with `datasets`, pandas or DuckDB: typed columns declared, never inferred (`profiles`), the
archive read in two streaming passes (`scan`), one file per publication year in Parquet, JSON
Lines or CSV written the same way every time (`files`), partitions rewritten only when their
rows changed (`build`), and a dataset card (`card`). The command: `command`.

This module stays light (no pyarrow): the command line is built from these names on every
`cri-crawler` call.
"""

from __future__ import annotations

FORMATS = ("parquet", "jsonl", "csv")
DEFAULT_FORMAT = "parquet"
PROFILE_NAMES = ("cri", "cc-news", "news-please")  # crawler/export/profiles.py defines each
DEFAULT_PROFILE = "cri"
