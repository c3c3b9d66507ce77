"""Part 1: extraction side by side on the replica's article pages of every era.

Every extractor gets the same pages (fetched from a local replica) and URL. Ours gets each page
as fetched, its bytes and Content-Type, so decoding is part of what is measured as in a crawl;
the others get the HTML decoded once as Scrapy decodes it (HTTP charset, BOM, `<meta>`). Pages:
single-page articles of the four eras in equal numbers, E4 through its server-rendered
variants (`nuxt_a`, `nuxt_b`, `nuxt_c`) in equal numbers; client-rendered shells hold no text
for an HTML extractor (they are part 5). Multi-page E1 articles are scored for us only (all
pages merged, as the crawl does): no peer reads several pages as one article.

Ours: the production extractor `crawler.extract.extract` as the spider calls it, once a page
(interstitial check, era parser, merging of pages, fallback, gating, loader), feeding page n+1
the pages a `Need(NEXT_PAGE)` returned, as `tests.fixtures.parse_stored` does (no crawl, no
API: E4 through its page). trafilatura runs in this process, interleaved with ours page by
page; news-please and newspaper4k run in their own venvs (`peer_runner.py`). Each page's time
is the fastest of `rounds` calls (the first warms caches); a figure is the median over pages.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from parsel import Selector
from scrapy.http import HtmlResponse

from benchmarks import _profile, _venvs, metrics
from benchmarks._common import ROOT, target
from crawler.editions import get_edition
from crawler.extract import Answer, Item, Need, Needed, Outcome, Via, extract
from crawler.urls import PageRef, classify

EDITION = get_edition("polish")
SSR_VARIANTS = ("nuxt_a", "nuxt_b", "nuxt_c")
ERAS = ("E1", "E2", "E3", "E4")
PEERS = ("news-please", "newspaper4k")
FETCHED_AT = datetime(2026, 1, 1, tzinfo=timezone.utc)
RUN = "benchmark"  # the run that makes the items measured: no crawl
SPEEDUP_TARGET = 20.0
DATE_PARAMS = {  # htmldate: keep the time and any offset the page shows
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}

@dataclass
class Page:
    """One article as the extractors see it (E1 multi-page: one answer and one HTML a page)."""

    id: str
    url: str
    era: str
    variant: str
    ref: PageRef  # what the spider knows of the article before it fetches it
    answers: list[tuple[bytes, str]]  # each page as fetched: body bytes, Content-Type (ours)
    htmls: list[str]  # each page decoded as Scrapy decodes it (the other extractors)
    truth: dict[str, Any]


Extractor = Callable[[Page], dict[str, Any]]


# -- the pages ------------------------------------------------------------------------------------
def select(site: Any, per_era: int) -> tuple[list[Any], list[Any]]:
    """Single-page articles (`per_era` of each era, spread over the era's dates and knobs) and
    the multi-page E1 ones (up to `per_era`)."""
    pools: dict[str, list[Any]] = defaultdict(list)
    multi: list[Any] = []
    for article in site.iter_articles():
        if article.era == "E1" and article.pages > 1:
            multi.append(article)
        elif article.migrated and article.knobs.get("legacy", "200") != "200":
            continue  # its old page is gone or moved: the platform's API serves it
        elif article.era == "E4":
            variant = article.knobs.get("html", "nuxt_a")
            if variant in SSR_VARIANTS:
                pools[variant].append(article)
        else:
            pools[article.era].append(article)
    chosen: list[Any] = []
    for era in ERAS:
        if era == "E4":
            share = -(-per_era // len(SSR_VARIANTS))
            for variant in SSR_VARIANTS:
                chosen += spread(pools[variant], share)
        else:
            chosen += spread(pools[era], per_era)
    return chosen, spread(multi, per_era)


def spread(items: list[Any], n: int) -> list[Any]:
    """`n` items evenly spaced over the list (all of them when there are fewer)."""
    if len(items) <= n:
        return list(items)
    return [items[(i * len(items)) // n] for i in range(n)]


def fetch(server: Any, article: Any) -> Page:
    ref = article_ref(article.url)
    answers, htmls = [], []
    for number in range(1, article.pages + 1):
        url = ref.page_url(number)
        with urllib.request.urlopen(server.url(url), timeout=30) as answer:
            body, content_type = answer.read(), answer.headers.get("Content-Type", "")
        answers.append((body, content_type))
        htmls.append(HtmlResponse(url, body=body, headers={"Content-Type": content_type}).text)
    variant = article.knobs.get("html", "") if article.era == "E4" else article.variant
    # Its page alone, at its URL, with no listing card: the ground truth of that route (an E4
    # page without a time, `knobs["time"]`, has only its URL's date).
    truth = article.expected("old_address" if article.era == "E3" else "address")
    return Page(article.id, article.url, article.era, variant, ref, answers, htmls, truth)


def load_pages(articles: int, per_era: int) -> tuple[list[Page], list[Page]]:
    from tests.replica import ReplicaServer

    with ReplicaServer(articles=articles) as server:
        single, multi = select(server.site, per_era)
        return [fetch(server, a) for a in single], [fetch(server, a) for a in multi]


# -- the extractors -------------------------------------------------------------------------------
def article_ref(url: str) -> PageRef:
    """The article's reference, as the spider has it from discovery before any fetch."""
    ref = classify(url, EDITION)
    assert ref is not None and ref.era is not None, url
    return ref


def extract_pages(ref: PageRef, answers: list[tuple[bytes, str]]) -> Outcome:
    """The production path: each fetched page through `crawler.extract.extract` in turn, as the
    spider feeds it (page n+1 gets the pages the previous `Need(NEXT_PAGE)` returned)."""
    outcome: Outcome = Need()
    pages: tuple[Any, ...] = ()
    for number, (body, content_type) in enumerate(answers, start=1):
        answer = Answer(ref.page_url(number), body, {"Content-Type": content_type}, Via.PAGE)
        outcome = extract(EDITION, ref, answer, pages, fetched_at=FETCHED_AT, run=RUN)
        if not (isinstance(outcome, Need) and outcome.what is Needed.NEXT_PAGE):
            break
        pages = outcome.pages
    return outcome


def ours(page: Page) -> dict[str, Any]:
    outcome = extract_pages(page.ref, page.answers)
    if not isinstance(outcome, Item):  # a Skip or a Need: no article (counted as an error)
        raise ValueError(f"no item: {outcome}")
    item = outcome.article
    return {
        "headline": item.headline,
        "published": item.published,
        "author": item.author,
        "body": item.body,
    }


def trafilatura_extract(page: Page) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(
        page.htmls[0], url=page.url, with_metadata=True, date_extraction_params=DATE_PARAMS
    )
    if doc is None:
        return {}
    return {"headline": doc.title, "published": doc.date, "author": doc.author, "body": doc.text}


def lxml_parse_only(page: Page) -> dict[str, Any]:
    """Not an extractor: one lxml parse of the decoded page, the floor of anything built on lxml."""
    from lxml import html as lxml_html

    for markup in page.htmls:
        lxml_html.document_fromstring(markup)
    return {}


def decode_parse_only(page: Page) -> dict[str, Any]:
    """Not an extractor: what ours does before reading anything, each page's bytes decoded as
    Scrapy decodes them and parsed once (the floor of our path)."""
    for number, (body, content_type) in enumerate(page.answers, start=1):
        url = page.ref.page_url(number)
        Selector(text=HtmlResponse(url, body=body, headers={"Content-Type": content_type}).text)
    return {}


def run_in_process(
    pages: list[Page], extractors: dict[str, Extractor], rounds: int
) -> dict[str, dict[str, dict]]:
    """Outputs and per-page times of in-process extractors, interleaved page by page."""
    out: dict[str, dict[str, dict]] = {name: {} for name in extractors}
    names = list(extractors)
    for index, page in enumerate(pages):
        best = dict.fromkeys(names, float("inf"))
        results: dict[str, dict] = {}
        errors: dict[str, str | None] = dict.fromkeys(names)
        for r in range(max(1, rounds)):
            order = names if (index + r) % 2 == 0 else names[::-1]
            for name in order:
                start = time.perf_counter()
                try:
                    results[name] = extractors[name](page)
                except Exception as exc:  # noqa: BLE001 - a failure is a result
                    results[name], errors[name] = {}, f"{type(exc).__name__}: {exc}"[:300]
                best[name] = min(best[name], time.perf_counter() - start)
        for name in names:
            out[name][page.id] = {**results[name], "ms": best[name] * 1000, "error": errors[name]}
    return out


def run_peer(
    peer: str, pages_file: Path, work: Path, rounds: int, create: bool
) -> tuple[dict[str, dict], dict[str, Any]]:
    """A peer's outputs from its runner in its own venv; and its version or why it did not run."""
    env = _venvs.ensure(peer, create=create)
    if env.python is None:
        return {}, {"available": False, "error": env.error}
    out = work / f"{peer}.jsonl"
    log = work / f"{peer}.log"
    with log.open("wb") as stderr:
        import subprocess

        done = subprocess.run(
            [
                str(env.python),
                "-P",
                str(ROOT / "benchmarks" / "peer_runner.py"),
                peer,
                str(pages_file),
                str(out),
                "--rounds",
                str(rounds),
            ],
            stdout=stderr,
            stderr=subprocess.STDOUT,
            cwd=work,
            timeout=7200,
            check=False,
        )
    if done.returncode != 0 or not out.exists():
        tail = log.read_text(encoding="utf-8", errors="replace")[-600:]
        return {}, {"available": False, "error": f"runner failed ({done.returncode}): {tail}"}
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    header, rows = lines[0], lines[1:]
    return {row["id"]: row for row in rows}, {"available": True, "version": header["version"]}


# -- scores ---------------------------------------------------------------------------------------
def score(pages: list[Page], outputs: dict[str, dict]) -> dict[str, Any]:
    catalogue = metrics.NoiseCatalogue(EDITION)
    rows = []
    for page in pages:
        got = outputs.get(page.id, {})
        truth = page.truth
        kinds = catalogue.kinds(got.get("body"))
        rows.append(
            {
                "era": page.era,
                "headline": metrics.same_text(truth["headline"], got.get("headline")),
                "published": metrics.same_published(truth["published"], got.get("published")),
                "published_day": metrics.same_day(truth["published"], got.get("published")),
                "author": metrics.same_author(truth["author"], got.get("author")),
                "has_author": bool(truth["author"]),
                "body_exact": metrics.same_body(truth["body"], got.get("body")),
                "match": metrics.match(truth["body"], got.get("body")),
                "leak": bool(kinds),
                "kinds": kinds,
                "ms": got.get("ms"),
                "error": got.get("error") or (None if got else "no output"),
            }
        )
    summary = summarize(rows)
    summary["by_era"] = {
        era: summarize([r for r in rows if r["era"] == era])
        for era in ERAS
        if any(r["era"] == era for r in rows)
    }
    return summary


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    body = metrics.body_score(r["match"] for r in rows)
    times = [r["ms"] for r in rows if r["ms"] is not None]
    kinds = Counter(kind for r in rows for kind in set(r["kinds"]))
    errors = [r["error"] for r in rows if r["error"]]
    return {
        "pages": len(rows),
        "headline_exact": metrics.share([r["headline"] for r in rows]),
        "published_exact": metrics.share([r["published"] for r in rows]),
        "published_day": metrics.share([r["published_day"] for r in rows]),
        "author_exact": metrics.share([r["author"] for r in rows]),
        "author_pages": sum(r["has_author"] for r in rows),
        "author_found": metrics.share([r["author"] for r in rows if r["has_author"]]),
        "body_precision": body.precision,
        "body_recall": body.recall,
        "body_f1": body.f1,
        "body_exact": metrics.share([r["body_exact"] for r in rows]),
        "leakage": metrics.share([r["leak"] for r in rows]),
        "leak_kinds": dict(kinds.most_common()),
        "ms_median": statistics.median(times) if times else None,
        "ms_p90": statistics.quantiles(times, n=10)[-1] if len(times) >= 2 else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


# -- the part -------------------------------------------------------------------------------------
def run(
    work: Path, articles: int, per_era: int, rounds: int, peers: str, profiles: str
) -> dict[str, Any]:
    """Part 1. `peers` and `profiles`: `create` (make missing venvs), `existing` (use those
    present), `none`."""
    work.mkdir(parents=True, exist_ok=True)
    single, multi = load_pages(articles, per_era)
    pages_file = work / "pages.jsonl"
    write_pages(pages_file, single)
    print(
        f"bench: extraction on {len(single)} pages ({rounds} calls a page)",
        file=sys.stderr,
        flush=True,
    )
    outputs = run_in_process(
        single,
        {
            "ours": ours,
            "trafilatura": trafilatura_extract,
            "lxml_parse": lxml_parse_only,
            "decode_parse": decode_parse_only,
        },
        rounds,
    )
    from importlib.metadata import version

    extractors: dict[str, dict[str, Any]] = {
        "ours": {"available": True, "version": "this tree", **score(single, outputs["ours"])},
        "trafilatura": {
            "available": True,
            "version": version("trafilatura"),
            **score(single, outputs["trafilatura"]),
        },
    }
    for peer in PEERS:
        if peers == "none":
            extractors[peer] = {"available": False, "error": "peers not run (--peers none)"}
            continue
        print(f"bench: extraction by {peer}", file=sys.stderr, flush=True)
        rows, info = run_peer(peer, pages_file, work, rounds, create=peers == "create")
        extractors[peer] = {**info, **(score(single, rows) if info["available"] else {})}
    multi_scores = (
        score(multi, run_in_process(multi, {"ours": ours}, rounds)["ours"]) if multi else None
    )

    ours_ms = extractors["ours"]["ms_median"]
    speedup = extractors["trafilatura"]["ms_median"] / ours_ms if ours_ms else None
    mine = extractors["ours"]
    targets = [
        target("extraction", f"ours: exact {label}", 1.0, mine[field], ">=")
        for field, label in (
            ("headline_exact", "headline"),
            ("published_exact", "published (with offset)"),
            ("author_exact", "author"),
            ("body_exact", "body"),
        )
    ]
    targets += [
        target("extraction", "ours: bodies with noise (leakage)", 0.0, mine["leakage"], "<="),
        target(
            "extraction",
            "ours: times faster per page than trafilatura",
            SPEEDUP_TARGET,
            speedup,
            ">=",
        ),
    ]
    result: dict[str, Any] = {
        "pages": len(single),
        "by_era": dict(Counter(p.era for p in single)),
        "html_kb_median": statistics.median(len(p.answers[0][0]) / 1024 for p in single),
        "e4_variants": dict(Counter(p.variant for p in single if p.era == "E4")),
        "replica_articles": articles,
        "rounds": rounds,
        "extractors": extractors,
        "multipage_ours": {
            **multi_scores,
            "articles": len(multi),
            "pages": sum(len(p.htmls) for p in multi),
        }
        if multi_scores
        else None,
        "speedup_vs_trafilatura": speedup,
        "lxml_parse_ms_median": statistics.median(
            row["ms"] for row in outputs["lxml_parse"].values()
        ),
        "decode_parse_ms_median": statistics.median(
            row["ms"] for row in outputs["decode_parse"].values()
        ),
        "targets": targets,
    }
    if speedup is not None and speedup < SPEEDUP_TARGET and profiles != "none":
        print("bench: profiling our extraction (speed target missed)", file=sys.stderr, flush=True)
        seconds = "10" if len(single) >= 200 else "2"
        result["profile"] = _profile.record(
            [
                sys.executable,
                "-m",
                "benchmarks.extraction",
                "--loop",
                str(pages_file),
                "--seconds",
                seconds,
            ],
            work / "profile-extraction",
            create_venv=profiles == "create",
        )
    return result


def write_pages(path: Path, pages: list[Page]) -> None:
    """The pages for the peers' runners (`id`, `url`, decoded `html`) and for `loop` (`answers`:
    each page's bytes, base64, and Content-Type)."""
    with path.open("w", encoding="utf-8") as f:
        for page in pages:
            answers = [[base64.b64encode(body).decode("ascii"), ct] for body, ct in page.answers]
            line = {"id": page.id, "url": page.url, "html": page.htmls[0], "answers": answers}
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


def read_answers(path: Path) -> list[tuple[PageRef, list[tuple[bytes, str]]]]:
    """Each article of a `write_pages` file: its reference and its pages as fetched."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        (article_ref(row["url"]), [(base64.b64decode(body), ct) for body, ct in row["answers"]])
        for row in rows
    ]


def loop(pages_file: Path, seconds: float) -> None:
    """Our extraction over the pages again and again (what the profiler samples)."""
    articles = read_answers(pages_file)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for ref, answers in articles:
            extract_pages(ref, answers)


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description="profiling loop of our extraction")
    cli.add_argument("--loop", type=Path, required=True)
    cli.add_argument("--seconds", type=float, default=10.0)
    args = cli.parse_args()
    loop(args.loop, args.seconds)
