"""Part 8: the WARC archive (issue #14): the crawl with it on and off, its disk cost, and
`cri-crawler reextract` over it (articles per second, peak memory) at N and 100,000 articles.

Crawls: the full project as part 2 crawls it (`scrapy crawl cri -a since=2004-01-01`, browser
and politeness off, `benchmarks/throughput.py`) against a replica of N articles in its own
process, with `CRAWLER_WARC` on and off, each in a fresh data directory; rounds alternate which
goes first (on, off / off, on / ...); a rate is the median over rounds of articles per second
of engine time (spider open to close), the ratio is of the medians.

Disk: the first WARC-on crawl's data directory: WARC bytes (`warc/*/*.warc.gz`) per stored
article, the JSON Lines bytes per article beside them, and `warc/index.sqlite3`.

Re-extraction: `python -m crawler reextract --data-dir D` in its own process, timed, the
memory of its process tree sampled (`_common.measured`), its CPU time from the kernel
(`RUSAGE_CHILDREN`); the rate is the articles it replayed (its run report's `replay.articles`)
over its run report's `duration_seconds` (spider open to close: the indexing pass included).
Over the WARC-on crawl's archive: copied alone into a fresh data directory (every item new and
written, the costlier case), and in place (every item unchanged, dropped by dedupe).

The 100,000-article archive is not crawled (a replica that large takes ten minutes to crawl):
it is the N-article crawl's archive written again K times with the project's own writer
(`crawler.archive.warc.WarcArchive.store`), copy k under new article ids (every `ARTI...` id in
a record's URL, request, headers and body mapped to a copy-k id of the same length and kind;
one WARC file a copy, as day files), until it holds at least 100,000 articles; records without
an id (robots.txt, the sitemap index) are not copied. Same pages, same sizes, same mix of
eras, API answers, listings and revisits as the crawl's: only the ids differ.

A missed target gets a py-spy profile (`_profile`, with `--profiles`): of one more WARC-on crawl
(and the archive's share of its busy time, by part: `PARTS_CRAWL`) or of one more reextract
(its busy time per article, by part: `PARTS_REEXTRACT`).

    python -m benchmarks.warc [--articles 10000] [--big 100000] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Any

from benchmarks import _profile
from benchmarks._common import Crawl, crawl, crawl_command, measured, replica, run_alone, target
from benchmarks.throughput import SINCE, full_settings
from crawler.archive.layout import ARTICLES_DIR, RUNS_FILE, WARC_DIR, WARC_INDEX
from crawler.archive.warc import Exchange, WarcArchive
from crawler.replay import inflate, plain_record

RATIO_TARGET = 0.85
RATE_TARGET = 1000.0  # articles a second, one process
MEMORY_TARGET_MB = 200.0  # peak of `reextract` over 100,000 articles
MODES = {"on": "True", "off": "False"}

# An article id of the crawled eras: E4 `ARTI` + 13 digits of epoch ms + 3 digits; E3 `ARTI` +
# 20 letters or digits + YYMMDD (tests/replica/generator.py, the dossier's section 1).
ARTICLE_ID = re.compile(rb"ARTI(?:\d{16}|[0-9A-Za-z]{20}\d{6})(?![0-9A-Za-z])")
ALNUM = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


# -- crawls, WARC on and off ------------------------------------------------------------------

def measure_crawls(work: Path, articles: int, rounds: int) -> tuple[dict[str, Any], Path]:
    """Rounds of a WARC-on and a WARC-off crawl of one replica; the figures, and the first
    WARC-on crawl's data directory."""
    runs: dict[str, list[Crawl]] = {"on": [], "off": []}
    with replica(articles) as base_url:
        for round_ in range(rounds):
            order = ("on", "off") if round_ % 2 == 0 else ("off", "on")
            for mode in order:
                data = work / f"data-{mode}-{round_}"
                settings = {**full_settings(data), "CRAWLER_WARC": MODES[mode]}
                runs[mode].append(crawl(work / f"crawl-{mode}-{round_}", base_url, SINCE, settings))
            on, off = runs["on"][-1], runs["off"][-1]
            print(f"bench: warc: {articles} articles, round {round_ + 1}: on {on.items} in "
                  f"{on.crawl_seconds:.1f} s, off {off.items} in {off.crawl_seconds:.1f} s",
                  file=sys.stderr, flush=True)
    result: dict[str, Any] = {mode: crawl_figures(crawls) for mode, crawls in runs.items()}
    result["ratio"] = result["on"]["articles_per_second"] / result["off"]["articles_per_second"]
    result["ratio_wall"] = (result["on"]["articles_per_second_wall"]
                            / result["off"]["articles_per_second_wall"])
    pairs = zip(runs["on"], runs["off"], strict=True)
    result["paired_ratios"] = [rate(on) / rate(off) for on, off in pairs]
    result["warc_stats"] = {k: v for k, v in runs["on"][0].stats.items() if k.startswith("warc/")}
    return result, work / "data-on-0"


def rate(run: Crawl) -> float:
    return run.items / run.crawl_seconds if run.crawl_seconds else 0.0


def crawl_figures(runs: list[Crawl]) -> dict[str, Any]:
    return {
        "items": runs[0].items,
        "requests": runs[0].requests,
        "articles_per_second": statistics.median(rate(r) for r in runs),
        "articles_per_second_wall": statistics.median(r.items_per_second for r in runs),
        "peak_rss_mb": max(r.peak_rss_mb for r in runs),
        "rounds": [{"crawl_seconds": round(r.crawl_seconds, 2), "wall_seconds": round(r.seconds, 2),
                    "items": r.items, "peak_rss_mb": round(r.peak_rss_mb, 1)} for r in runs],
    }


# -- disk ---------------------------------------------------------------------------------------

def disk(data_dir: Path, off_dir: Path | None = None) -> dict[str, Any]:
    """What the archive takes on disk, per stored article."""
    warc = warc_bytes(data_dir)
    index = sum(f.stat().st_size for f in (data_dir / WARC_DIR).glob(WARC_INDEX + "*"))
    jsonl, articles = jsonl_size(data_dir)
    result = {
        "articles": articles,
        "warc_bytes": warc,
        "index_bytes": index,
        "jsonl_bytes": jsonl,
        "warc_bytes_per_article": warc / articles if articles else None,
        "index_bytes_per_article": index / articles if articles else None,
        "jsonl_bytes_per_article": jsonl / articles if articles else None,
    }
    if off_dir is not None:
        off_bytes, off_articles = jsonl_size(off_dir)
        per = off_bytes / off_articles if off_articles else None
        result["jsonl_bytes_per_article_warc_off"] = per
    return result


def warc_bytes(data_dir: Path) -> int:
    return sum(f.stat().st_size for f in (data_dir / WARC_DIR).glob("*/*.warc.gz"))


def jsonl_size(data_dir: Path) -> tuple[int, int]:
    """Bytes of the JSON Lines output and the articles (distinct ids) it holds."""
    size, ids = 0, set()
    for path in (data_dir / ARTICLES_DIR).rglob("*.jsonl"):
        size += path.stat().st_size
        with path.open("rb") as lines:
            ids.update(json.loads(line)["id"] for line in lines if line.strip())
    return size, len(ids)


# -- re-extraction ------------------------------------------------------------------------------

def reextract(data_dir: Path, log: Path) -> dict[str, Any]:
    """`python -m crawler reextract` over `data_dir`, measured; its run report's figures."""
    command = reextract_command(data_dir)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = measured(command, log)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.check("reextract")
    report = json.loads((data_dir / RUNS_FILE).read_text(encoding="utf-8").splitlines()[-1])
    replay, seconds = report["replay"], report["duration_seconds"]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "articles": replay["articles"],
        "new": replay["new"],
        "unchanged": replay["unchanged"],
        "failed": replay["failed"],
        "records_read": replay["records"].get("read", 0),
        "duration_seconds": seconds,
        "wall_seconds": run.seconds,
        "cpu_seconds": cpu,
        "cores": cpu / run.seconds if run.seconds else None,  # CPU time over wall time
        "articles_per_second": replay["articles"] / seconds if seconds else None,
        "articles_per_second_wall": replay["articles"] / run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
    }


def reextract_command(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "crawler", "reextract", "--data-dir", str(data_dir), "--quiet"]


def warc_only(data_dir: Path, target_dir: Path) -> Path:
    """A fresh data directory holding only `data_dir`'s WARC archive."""
    shutil.rmtree(target_dir, ignore_errors=True)
    target_dir.mkdir(parents=True)
    shutil.copytree(data_dir / WARC_DIR, target_dir / WARC_DIR)
    return target_dir


# -- the large archive: copies under new ids ----------------------------------------------------

def copy_id(article_id: bytes, copy: int) -> bytes:
    """The id of `article_id` in copy `copy` (>= 1): same kind, same length, other digits.
    E4: the last 3 digits (not the creation time); E3: the first 2 of the 20 random ones."""
    if len(article_id) == 20:
        return article_id[:17] + b"%03d" % ((int(article_id[17:]) + copy) % 1000)
    value = ALNUM.index(article_id[4:5]) * 62 + ALNUM.index(article_id[5:6]) + copy
    high, low = divmod(value % 62**2, 62)
    return article_id[:4] + ALNUM[high:high + 1] + ALNUM[low:low + 1] + article_id[6:]


class IdMap:
    """Copy k's id of every id met; refuses a mapping that would make two articles one."""

    def __init__(self, originals: set[bytes]) -> None:
        self.originals = originals
        self.made: dict[bytes, bytes] = {}  # copy id -> original

    def __call__(self, article_id: bytes, copy: int) -> bytes:
        new = copy_id(article_id, copy)
        if new in self.originals or self.made.setdefault(new, article_id) != article_id:
            raise RuntimeError(f"copy {copy}: {article_id!r} -> {new!r} names another article")
        return new


def replicate(source: Path, target_dir: Path, copies: int,
              day: datetime = datetime(2027, 1, 1, tzinfo=timezone.utc)) -> dict[str, Any]:
    """`source`'s WARC archive written `copies` + 1 times into `target_dir` (copy 0: as it is,
    under its own ids), one day file a copy; exchanges, records and bytes written."""
    rows = list(source_rows(source))
    originals = {a.encode() for *_, a in rows if a}
    ids = IdMap(originals)
    clock = {"now": day}
    archive = WarcArchive(target_dir, utcnow=lambda: clock["now"])
    archive.open()
    started = time.perf_counter()
    exchanges = 0
    try:
        pairs = list(read_exchanges(source, rows))
        for copy in range(copies + 1):
            clock["now"] = day + timedelta(days=copy)
            for exchange in pairs:
                moved = exchange if copy == 0 else renamed(exchange, lambda m, c=copy: ids(m, c))
                if moved is not None:
                    archive.store(moved)
                    exchanges += 1
    finally:
        archive.close()
    return {"copies": copies + 1, "exchanges": exchanges,
            "warc_bytes": warc_bytes(target_dir),
            "seconds": time.perf_counter() - started}


def source_rows(data_dir: Path) -> list[tuple[str, str, int, int, str, str | None]]:
    """(record_id, path, offset, length, type, article_id) of the archive, in file order."""
    index = (data_dir / WARC_DIR / WARC_INDEX).resolve()
    db = sqlite3.connect(f"{index.as_uri()}?mode=ro", uri=True)
    try:
        return list(db.execute("SELECT record_id, path, offset, length, type, article_id "
                               "FROM records ORDER BY path, offset"))
    finally:
        db.close()


def read_exchanges(data_dir: Path, rows: list[tuple[str, str, int, int, str, str | None]]
                   ) -> list[Exchange]:
    """The archive's exchanges as the recorder handed them over (a revisit: with its original's
    body), in capture order."""
    where = {row[0]: row for row in rows}
    handles: dict[str, Any] = {}

    def record(path: str, offset: int, length: int) -> Any:
        handle = handles.get(path) or handles.setdefault(path, (data_dir / path).open("rb"))
        handle.seek(offset)
        parsed = plain_record(inflate(handle.read(length)))
        if parsed is None:
            raise RuntimeError(f"{path}@{offset}: not a plain record")
        return parsed

    exchanges = []
    try:
        request = None
        for record_id, path, offset, length, kind, article_id in rows:
            if kind == "request":
                request = record(path, offset, length)
                continue
            answer = record(path, offset, length)
            body = answer.payload
            if kind == "revisit":
                _, o_path, o_offset, o_length, *_ = where[answer.refers_to]
                body = record(o_path, o_offset, o_length).payload
            assert request is not None and answer.status is not None, record_id
            exchanges.append(Exchange(
                url=answer.uri, method=request.method or "GET",
                request_headers=tuple(request.http_headers), request_body=request.payload or b"",
                status=answer.status, reason=_reason(answer.status),
                headers=tuple(answer.http_headers), body=body or b"", article_id=article_id))
            request = None
    finally:
        for handle in handles.values():
            handle.close()
    return exchanges


def renamed(exchange: Exchange, new_id: Callable[[bytes], bytes]) -> Exchange | None:
    """The exchange with every article id in it replaced; None if it names none."""
    def sub(data: bytes) -> bytes:
        return ARTICLE_ID.sub(lambda m: new_id(m.group()), data)

    def text(value: str) -> str:
        return sub(value.encode("latin-1")).decode("latin-1")

    url, body, request_body = text(exchange.url), sub(exchange.body), sub(exchange.request_body)
    if (url, body, request_body) == (exchange.url, exchange.body, exchange.request_body):
        return None
    return Exchange(
        url=url, method=exchange.method,
        request_headers=tuple((k, text(v)) for k, v in exchange.request_headers),
        request_body=request_body, status=exchange.status, reason=exchange.reason,
        headers=tuple((k, text(v)) for k, v in exchange.headers), body=body,
        article_id=text(exchange.article_id) if exchange.article_id else None)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# -- the part -------------------------------------------------------------------------------------

def run(work: Path, articles: int, rounds: int, big: int, profiles: str = "none") -> dict[str, Any]:
    crawls, on_dir = measure_crawls(work, articles, rounds)
    result: dict[str, Any] = {"replica_articles": articles, "crawls": crawls,
                              "disk": disk(on_dir, work / "data-off-0")}
    print("bench: warc: reextract (fresh data directory, then in place)", file=sys.stderr,
          flush=True)
    fresh = warc_only(on_dir, work / "reextract-fresh")
    result["reextract"] = reextract(fresh, work / "reextract-fresh.log")
    result["reextract_in_place"] = reextract(on_dir, work / "reextract-in-place.log")
    stored = result["reextract"]["articles"]
    copies = max(0, math.ceil(big / stored) - 1) if stored else 0
    print(f"bench: warc: an archive of {big} articles ({copies + 1} copies, under new ids)",
          file=sys.stderr, flush=True)
    big_dir = work / "big"
    shutil.rmtree(big_dir, ignore_errors=True)
    result["big_archive"] = replicate(fresh, big_dir, copies)
    result["reextract_big"] = big_done = reextract(big_dir, work / "reextract-big.log")
    result["big_archive"].update(disk(big_dir))  # its articles: those the replay stored
    result["targets"] = [
        target("warc", f"crawl articles/s, WARC on / off ({articles} articles)", RATIO_TARGET,
               crawls["ratio"], ">="),
        target("warc", f"reextract articles/s, one process ({stored} articles, the crawl's WARC)",
               RATE_TARGET, result["reextract"]["articles_per_second"], ">="),
        target("warc", f"reextract peak memory (MB) over {big_done['articles']} articles",
               MEMORY_TARGET_MB, big_done["peak_rss_mb"], "<="),
    ]
    if profiles != "none":
        result.update(profile_missed(work, result, profiles == "create", on_dir))
    return result


def profile_missed(work: Path, result: dict[str, Any], create: bool, on_dir: Path
                   ) -> dict[str, Any]:
    """py-spy of a missed target's process (a WARC-on crawl, a reextract) and where its busy
    time goes (`PARTS_CRAWL`, `PARTS_REEXTRACT`)."""
    found: dict[str, Any] = {}
    missed = [t["name"] for t in result["targets"] if not t["met"]]
    if any(name.startswith("crawl") for name in missed):
        print("bench: warc: profiling a WARC-on crawl (ratio target missed)", file=sys.stderr,
              flush=True)
        with replica(result["replica_articles"]) as base_url:
            settings = {**full_settings(work / "profiled-crawl"), "CRAWLER_WARC": "True"}
            command, _ = crawl_command(work / "profiled-crawl-run", base_url, SINCE, settings)
            found["profile_crawl"] = _profile.record(command, work / "profile-crawl", create)
        found["profile_crawl_parts"] = breakdown(work / "profile-crawl.txt", PARTS_CRAWL)
    if any(name.startswith("reextract articles/s") for name in missed):
        print("bench: warc: profiling reextract (rate target missed)", file=sys.stderr, flush=True)
        fresh = warc_only(on_dir, work / "profiled-reextract")
        found["profile_reextract"] = _profile.record(reextract_command(fresh),
                                                     work / "profile-reextract", create)
        found["profile_reextract_parts"] = breakdown(work / "profile-reextract.txt",
                                                     PARTS_REEXTRACT)
        found["profiled_articles"] = result["reextract"]["articles"]
    return found


# Where busy time goes: (label, frame names); a sample counts for the first part with a frame
# of its stack containing one of the names (`=name`: the stack's leaf frame is that one, i.e.
# native code under it, which py-spy does not see); "rest" for none.
PARTS_CRAWL = (
    ("index rows: SQLite INSERT (native, in `WarcArchive.store`)",
     ("=crawler/archive/warc.py:WarcArchive.store",)),
    ("revisit lookup: SQLite SELECT (`_same_payload`)", ("WarcArchive._same_payload",)),
    ("records written: warcio, gzip", ("WARCWriter.write_record", "_write_warc_record")),
    ("records made: warcio headers, digests", ("RecordBuilder.create_",)),
    ("file write (`write_all`)", ("crawler/archive/jsonl.py:write_all",)),
    ("the rest of the recorder and archive",
     ("crawler/archive/warc.py", "crawler/middlewares/warc.py")),
)
PARTS_REEXTRACT = (
    ("start-up: imports", ("<frozen importlib",)),
    ("extraction (`crawler.extract.extract`)", ("crawler/extract.py:extract",)),
    ("pipelines (clean, validate, dedupe, store)", ("pipelines/",)),
    ("reading records: seek, gunzip, parse", ("crawler/replay.py:RecordReader",)),
    ("indexing pass (`index_archive`)", ("crawler/replay.py:index_archive",)),
    ("replay index (SQLite) and cascade", ("crawler/replay.py:", "spiders/replay.py:")),
)


def breakdown(raw: Path, parts: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, float] | None:
    """Shares of a py-spy raw profile's busy samples by part (see PARTS_CRAWL), and "rest"."""
    if not raw.exists():
        return None
    counts = dict.fromkeys([label for label, _ in parts] + ["rest"], 0)
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_profile.frame_name(f)[0] for f in stack.split(";") if f]
        label = next((label for label, names in parts
                      if any(_holds(frames, name) for name in names)), "rest")
        counts[label] += int(count)
    total = sum(counts.values())
    return {label: n / total for label, n in counts.items()} if total else None


def _holds(frames: list[str], name: str) -> bool:
    if name.startswith("="):
        return bool(frames) and frames[-1] == name[1:]
    return any(name in frame for frame in frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work directory, kept")
    args = parser.parse_args()
    run_alone("warc", args.keep, lambda work: run(work, args.articles, args.rounds, args.big))


if __name__ == "__main__":
    main()
