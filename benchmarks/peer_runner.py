"""Runs one peer extractor over the benchmark's pages, inside that peer's own venv.

    benchmarks/venvs/<peer>/bin/python benchmarks/peer_runner.py <peer> PAGES.jsonl OUT.jsonl --rounds R

Standard library and the peer only (no project import: the peer's venv has none of ours).
PAGES.jsonl: one `{"id", "url", "html", ...}` a line, the same decoded HTML trafilatura gets
(other keys are for our extractor's profiling loop and ignored here).
OUT.jsonl: a first line `{"peer", "version"}`, then one `{"id", "headline", "published",
"author", "body", "ms", "error"}` a page; `ms` is the fastest of R timed calls of the
extractor on that page (the first warms caches), measured here, around the call only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from collections.abc import Callable
from typing import Any

# This script's directory holds our benchmark modules (`incremental.py`, ...), whose names
# shadow the peers' dependencies (twisted imports `incremental`): keep it off the path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

Extractor = Callable[[str, str], dict[str, Any]]


def news_please() -> Extractor:
    from newsplease import NewsPlease

    def extract(html: str, url: str) -> dict[str, Any]:
        article = NewsPlease.from_html(html, url=url, fetch_images=False)
        return {
            "headline": article.title,
            "published": article.date_publish,
            "author": article.authors,
            "body": article.maintext,
        }

    return extract


def newspaper4k() -> Extractor:
    import newspaper

    def extract(html: str, url: str) -> dict[str, Any]:
        article = newspaper.article(url, language="pl", input_html=html, fetch_images=False)
        return {
            "headline": article.title,
            "published": article.publish_date,
            "author": article.authors,
            "body": article.text,
        }

    return extract


PEERS: dict[str, tuple[str, Callable[[], Extractor]]] = {
    "news-please": ("news-please", news_please),
    "newspaper4k": ("newspaper4k", newspaper4k),
}


def plain(value: Any) -> Any:
    """JSON-ready: datetimes as ISO 8601 (naive ones stay naive), the rest as it is."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("peer", choices=sorted(PEERS))
    parser.add_argument("pages")
    parser.add_argument("out")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    distribution, factory = PEERS[args.peer]
    extract = factory()
    with open(args.pages, encoding="utf-8") as f:
        pages = [json.loads(line) for line in f if line.strip()]
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(json.dumps({"peer": args.peer, "version": version(distribution)}) + "\n")
        for page in pages:
            best, result, error = float("inf"), {}, None
            for _ in range(max(1, args.rounds)):
                start = time.perf_counter()
                try:
                    result = extract(page["html"], page["url"])
                except Exception as exc:  # noqa: BLE001 - a peer's failure is a result
                    error = f"{type(exc).__name__}: {exc}"[:300]
                best = min(best, time.perf_counter() - start)
            line = {
                "id": page["id"],
                **{k: plain(v) for k, v in result.items()},
                "ms": best * 1000,
                "error": error,
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
