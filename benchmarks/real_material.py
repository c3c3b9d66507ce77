"""Part 10: the real material of issue #11 on a replica of generated articles.

The replica's generated corpus already spreads issue #11's variants over its articles
(`tests/replica/generator.py`): every 4th E3 article is migrated into the E4 listings, linked
there without `.shtml` and served by the platform (its API answer per `knobs["api"]`, which
fails for about 31 %: `fail0`, `http500`; its E4 page always answers), its old `.shtml` page
answering 200, 301, 404 or the platform's not-found page with 200 (`knobs["legacy"]`); E1
pages of 2004 in the 2004 template with `(GMT+08:00)` (`knobs["template"]`, `knobs["gmt"]`),
2009+ pages with the comments block (`knobs["comments"]`); about 4 % of E4 articles whose API
answer and page carry no time, only their listing cards' `date` (`knobs["time"]`). Two crawls
of one replica (in this process: its request log says which article each request was for):

* **listings**: `scrapy crawl cri -a since=2004-01-01`, the backfill through robots.txt,
  sitemaps and the API listings: every E4 and migrated E3 article, the latter linked as the
  platform links them. The goal: one request per migrated article, its API answer.
* **old addresses**: `scrapy crawl cri -a url_file=...` with what listings never link: the
  replica's URL list of its `url_only` articles (E1, E2, unmigrated E3) and every migrated
  article at its old `.shtml` address (an old link, or an archive's `url`), where the
  `legacy` knob answers; and every E4 article without a time by its address as a URL list
  gives it (no listing card: only its URL's date is left).

Browser, politeness and the WARC archive off, the archive on. Each crawl: items by
`published_source` (its run report) against the ground truth's, soft-404 answers met and
articles dropped as soft 404, gone recorded, stored items against the ground truth of the route
each article was reached by (`Article.expected(route)`), and the requests for each migrated
article by kind (API, E4 page, old `.shtml` page), against the least its knobs allow.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks._common import Crawl, crawl, target
from benchmarks.throughput import NO_BROWSER, SINCE, stored_items
from crawler import stats as cri

# The API variants of the replica whose answer carries the article (tests/replica/e4.py); the
# others (`fail0`, `http500`) make the crawler ask for the page.
WORKING_API = frozenset({"content", "modules_cards", "modules_data"})
KINDS = ("api", "e4_page", "old_shtml")
SOURCES = ("api", "page", "listing", "url")


def run(work: Path, articles: int) -> dict[str, Any]:
    from tests.replica import ReplicaServer

    with ReplicaServer(articles=articles) as server:
        site = server.site
        listed = [a for a in site.iter_articles("backfill") if a.knobs.get("html") != "shell"]
        shells = sum(1 for a in site.iter_articles("backfill") if a.knobs.get("html") == "shell")
        migrated = [a for a in listed if a.migrated]
        timeless = [a for a in listed if "time" in a.knobs]
        print(f"bench: real_material: listings crawl of {articles} articles", file=sys.stderr,
              flush=True)
        listings = crawl(work / "listings", server.base_url, SINCE, settings(work / "listings"))
        listings_log = server.requests.snapshot()
        server.requests.clear()
        old_urls = (site.urls("url_only") + [a.url for a in migrated]
                    + [site.listed_url(a) for a in timeless])
        url_file = work / "old-addresses.txt"
        url_file.write_text("".join(u + "\n" for u in old_urls), encoding="utf-8")
        print(f"bench: real_material: old addresses crawl of {len(old_urls)} URLs",
              file=sys.stderr, flush=True)
        old = crawl(work / "old_addresses", server.base_url, {"url_file": str(url_file)},
                    settings(work / "old_addresses"))
        old_log = server.requests.snapshot()
        # What each crawl must store, and by which route it reaches each article.
        expected_listings = [(a, "card") for a in listed]
        expected_old = ([(a, "address") for a in site.iter_articles("url_only")]
                        + [(a, "old_address") for a in migrated]
                        + [(a, "address") for a in timeless])
        from_listings, _ = figures(
            listings, work / "listings", site, listings_log, migrated, expected_listings,
            least=lambda a: 1 if api_knob(a) in WORKING_API else 2, group=api_group)
        from_old, wrong = figures(
            old, work / "old_addresses", site, old_log, migrated, expected_old,
            least=lambda a: 1 if legacy_knob(a) == "200" else 2, group=legacy_knob)
        result: dict[str, Any] = {
            "replica_articles": articles,
            "migrated_articles": len(migrated),
            "migrated_api_knobs": dict(Counter(api_knob(a) for a in migrated)),
            "migrated_legacy_knobs": dict(Counter(legacy_knob(a) for a in migrated)),
            "timeless_articles": len(timeless),
            "timeless_knobs": dict(Counter(a.knobs["time"] for a in timeless)),
            "timeless_api_knobs": dict(Counter(api_knob(a) for a in timeless)),
            "shells_without_browser": shells,
            "listings": from_listings,
            "old_addresses": {**from_old, "urls": len(old_urls)},
            "e1_noise": e1_noise([a for a, _ in expected_old], wrong),
        }
    by_api = result["listings"]["migrated"]["by_group"]
    working = by_api.get("api answers", {})
    result["targets"] = [
        target("real_material",
               "requests per migrated article whose API answers, linked from the listings",
               1, working.get("per_article"), "<="),
        target("real_material",
               "old `.shtml` requests for migrated articles linked from the listings",
               0, result["listings"]["migrated"]["requests"].get("old_shtml", 0), "<="),
    ]
    return result


def settings(work: Path) -> dict[str, str]:
    return {**NO_BROWSER, "CRAWLER_WARC": "False", "CRAWLER_DATA_DIR": str(work / "data")}


def api_knob(article: Any) -> str:
    return str(article.knobs.get("api", "content"))  # the replica's default (tests/replica/e4.py)


def legacy_knob(article: Any) -> str:
    return str(article.knobs.get("legacy", "200"))  # the replica's default (server.py)


def api_group(article: Any) -> str:
    return "api answers" if api_knob(article) in WORKING_API else "api fails"


def figures(run: Crawl, work: Path, site: Any, log: list[Any], migrated: list[Any],
            expected: list[tuple[Any, str]], least: Callable[[Any], int],
            group: Callable[[Any], str]) -> tuple[dict[str, Any], set[str]]:
    """One crawl's figures: its run report's counts, its stored items against the ground
    truth (`expected`: the articles it must store, each with the route it reaches it by, whose
    ground truth also says where its time must come from), the requests for migrated articles
    (`least`, `group`: see `migrated_requests`); and the ids of the expected articles it missed
    or stored otherwise."""
    from tests.support.ground_truth import differences

    data = work / "data"
    report = json.loads((data / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    items = stored_items(data)
    stats = run.stats
    truth = [article.expected(route) for article, route in expected]
    missing, extra, differing = differences(items, truth)
    out = {
        "wall_seconds": round(run.seconds, 2),
        "crawl_seconds": round(run.crawl_seconds, 2),
        "peak_rss_mb": round(run.peak_rss_mb, 1),
        "requests": run.requests,
        "discovered": report["articles"]["discovered"],
        "items": len(items),
        "verdict": report.get("verdict"),
        "published_source": {s: int(report["published_source"].get(s, 0)) for s in SOURCES},
        "published_source_stored": dict(Counter(i.get("published_source") for i in items)),
        "published_source_expected": dict(Counter(t["published_source"] for t in truth)),
        "published_mismatch": report["pages"].get("published_mismatch", 0),
        "soft_404_answers": int(stats.get(cri.interstitial("soft_404"), 0)),
        "dropped_soft_404": int(stats.get(cri.skipped("soft_404"), 0)),
        "gone": {k.removeprefix("cri/gone/"): int(v) for k, v in stats.items()
                 if k.startswith("cri/gone/")},
        "ended": report["articles"]["ended"],
        "expected_items": len(expected),
        "equal_to_ground_truth": len(items) - len(extra) - len(differing),
        "missing": len(missing),
        "extra": len(extra),
        "differing": len(differing),
        "examples": {i: differing[i] for i in sorted(differing)[:3]} | {
            i: "missing" for i in missing[:3]},
        "migrated": migrated_requests(site, log, migrated, least, group),
    }
    return out, set(missing) | set(differing)


def migrated_requests(site: Any, log: Iterable[Any], migrated: list[Any],
                      least: Callable[[Any], int], group: Callable[[Any], str]) -> dict[str, Any]:
    """The replica's logged requests for migrated articles, by kind: `api` (getData for the
    article; `api_as_linked`: its id the platform's address, without `.shtml`), `e4_page` (the
    page at the platform's address) and `old_shtml` (the old page); per article reached, and by
    the articles' knob group, against the least their knobs allow (`least`)."""
    from tests.replica.probe import article_key

    wanted = {a.id: a for a in migrated}
    per: dict[str, Counter[str]] = {}
    for logged in log:
        article, kind = None, None
        if logged.method == "POST" and logged.body_id:
            article = wanted.get(article_key(logged.body_id) or "")
            kind = "api"
            if article and urlsplit(logged.body_id).path == article.e4_path:
                per.setdefault(article.id, Counter())["api_as_linked"] += 1
        elif logged.method == "GET":
            resolved = site.resolve(logged.path.split("?", 1)[0])
            if resolved is not None and resolved.article.id in wanted:
                article = resolved.article
                kind = "old_shtml" if resolved.kind == "e3" else "e4_page"
        if article is not None and kind is not None:
            per.setdefault(article.id, Counter())[kind] += 1
    totals: Counter[str] = Counter()
    groups: dict[str, Counter[str]] = {}
    over: list[str] = []
    for article_id, counts in per.items():
        article = wanted[article_id]
        spent = sum(counts[k] for k in KINDS)
        totals.update(counts)
        g = groups.setdefault(group(article), Counter())
        g.update({k: counts[k] for k in KINDS})
        g["articles"] += 1
        g["least"] += least(article)
        if spent > least(article):
            over.append(article_id)
    reached = len(per)
    spent_all = sum(totals[k] for k in KINDS)
    return {
        "articles": len(migrated),
        "reached": reached,
        "requests": {k: totals[k] for k in KINDS},
        "api_as_linked": totals["api_as_linked"],
        "per_article": spent_all / reached if reached else None,
        "least_per_article": (sum(least(wanted[i]) for i in per) / reached) if reached else None,
        "over_least": len(over),
        "over_least_examples": sorted(over)[:5],
        "by_group": {
            name: {
                "articles": g["articles"],
                **{k: g[k] for k in KINDS},
                "per_article": sum(g[k] for k in KINDS) / g["articles"],
                "least_per_article": g["least"] / g["articles"],
            }
            for name, g in sorted(groups.items())
        },
    }


def e1_noise(expected: list[Any], wrong: set[str]) -> dict[str, dict[str, int]]:
    """E1 articles of the old-addresses crawl with the real noise's knobs, and how many of
    them were stored equal to the ground truth (`wrong`: the ids missing or differing)."""
    out: dict[str, dict[str, int]] = {}
    for name, has in (("template_2004", lambda a: a.knobs.get("template") == "2004"),
                      ("comments", lambda a: a.knobs.get("comments") == "yes")):
        chosen = [a for a in expected if a.era == "E1" and has(a)]
        out[name] = {"articles": len(chosen),
                     "equal": sum(1 for a in chosen if a.id not in wrong)}
    return out
