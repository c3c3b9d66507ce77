"""RESULTS.md from results.json: the same figures as tables, and how they were measured."""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

ANALYSIS = Path(__file__).resolve().parent / "analysis.md"
EXTRACTORS = ("ours", "trafilatura", "news-please", "newspaper4k")


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m.get("packages", {}).items() if v)
    peers = results.get("extraction", {}).get("extractors", {})
    peer_versions = ", ".join(
        f"{k} {v['version']}"
        for k, v in peers.items()
        if k != "ours" and v.get("version") and k != "trafilatura"
    )
    out = [
        "# Benchmarks",
        "",
        f"Written by `./run bench` (`python -m benchmarks --size {results['size']}`) on {m['date']}, "
        f"in {num(results.get('seconds', 0) / 60, 1)} minutes. Every figure below comes from that one run; "
        "`benchmarks/results.json` holds them all. Figures are noisy (a shared machine): comparisons are "
        "made within the run, interleaved, with medians.",
        "",
        f"- Machine: {m['cpus']} CPUs, {m.get('memory_gb', '?')} GB, {m['platform']}",
        f"- Python {m['python']}; {packages}",
        f"- Peers (own venvs): {peer_versions or 'none run'}; Chromium: {m.get('chromium') or 'not found'}",
        f"- Code measured: commit {m.get('commit') or 'not recorded'} (the work tree as it was during the run)",
        f"- Parts run: {', '.join(results['parts'])}",
        "",
        "## Targets",
        "",
    ]
    out += table(
        ["part", "target", "goal", "this run", "met"],
        [
            [
                t["part"],
                t["name"],
                f"`{t['target']}`",
                fmt_value(t["value"]),
                "yes" if t["met"] else "**no**",
            ]
            for t in results.get("targets", [])
        ],
    )
    sections = [
        ("extraction", extraction),
        ("throughput", throughput),
        ("scale", scale),
        ("incremental", incremental),
        ("browser", browser),
        ("report_page", report_page),
        ("export", export),
        ("warc", warc),
        ("scrapyd", scrapyd),
        ("real_material", real_material),
    ]
    for name, renderer in sections:
        if name not in results.get("parts", []):
            continue
        part = results.get(name)
        if part is None:
            out += [f"## {TITLES[name]}", "", "Not run yet.", ""]
            continue
        if "error" in part:
            out += [f"## {TITLES[name]}", "", f"This part failed: `{part['error'][:500]}`", ""]
            continue
        out += renderer(part)
    if ANALYSIS.exists():
        out += [ANALYSIS.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(out)


TITLES = {
    "extraction": "1. Extraction, side by side",
    "throughput": "2. Crawl throughput",
    "scale": "3. Scale",
    "incremental": "4. Incremental cost",
    "browser": "5. Browser path",
    "report_page": "6. Report page",
    "export": "7. Export",
    "warc": "8. WARC archive",
    "scrapyd": "9. Scale-out: two editions as two Scrapyd jobs",
    "real_material": "10. Real material: migrated articles, soft 404s, where times come from",
}


def fmt_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def extraction(part: dict[str, Any]) -> list[str]:
    eras = ", ".join(f"{k} {v}" for k, v in sorted(part["by_era"].items()))
    variants = ", ".join(f"{k} {v}" for k, v in sorted(part["e4_variants"].items()))
    out = [
        f"## {TITLES['extraction']}",
        "",
        f"{part['pages']} single-page articles of a replica of {part['replica_articles']} articles "
        f"({eras}; E4 as {variants}; median page {num(part.get('html_kb_median'))} KB as served), the "
        "same pages and URL for every extractor. Ours: the production extractor "
        "`crawler.extract.extract` as the spider calls it, once a page (decoding of the fetched bytes "
        "and Content-Type, interstitial check, era parser, merging of pages, fallback, gating, loader; "
        "as `tests.fixtures.parse_stored`). The others get the page decoded once beforehand as Scrapy "
        "decodes it (not timed). trafilatura: `bare_extraction("
        "with_metadata=True)`, htmldate keeping time and offset (`%Y-%m-%dT%H:%M:%S%z`, original date, "
        "extensive search), in this process, interleaved with ours page by page. news-please: "
        "`NewsPlease.from_html(html, url, fetch_images=False)`; newspaper4k: `newspaper.article(url, "
        "language='pl', input_html=html, fetch_images=False)`; each in its own venv. A page's time is the "
        f"fastest of {part['rounds']} calls; the column is the median over pages.",
        "",
        "Exact: equal after collapsing whitespace (NFC); `published` must have the same time and the same "
        "UTC offset (+08:00; a naive time never matches), `published day` only the date. Body: precision, "
        "recall and F1 over 4-token shingles (article-extraction-benchmark's metric), exact body = the "
        "same non-empty lines. Leakage: bodies holding any line of the dossier's noise catalogue "
        "(`crawler/editions/polish.toml`: share labels, `Baidu`, banners, `CRI` date lines, `|` lines, "
        "`Zobacz także`/`Polecamy`/`Ranking`, footers) or trailing initials.",
        "",
    ]
    rows = []
    notes = []
    for name in EXTRACTORS:
        e = part["extractors"].get(name)
        if e is None:
            continue
        if not e.get("available"):
            rows.append([name, "not run"] + ["–"] * 13)
            notes.append(f"- {name}: not run: `{e.get('error')}`")
            continue
        rows.append(
            [
                name,
                str(e.get("version")),
                pct(e["headline_exact"]),
                pct(e["published_exact"]),
                pct(e["published_day"]),
                pct(e["author_exact"]),
                pct(e["author_found"]),
                num(e["body_precision"], 3),
                num(e["body_recall"], 3),
                num(e["body_f1"], 3),
                pct(e["body_exact"]),
                pct(e["leakage"]),
                num(e["ms_median"], 2),
                num(e["ms_p90"], 2),
                str(e["errors"]),
            ]
        )
    out += table(
        [
            "extractor",
            "version",
            "headline exact",
            "published exact",
            "published day",
            "author exact",
            "author found",
            "body P",
            "body R",
            "body F1",
            "body exact",
            "leakage",
            "ms/page (median)",
            "ms/page (p90)",
            "errors",
        ],
        rows,
    )
    if part.get("speedup_vs_trafilatura"):
        traf = part["extractors"]["trafilatura"]["ms_median"]
        out += [
            f"Ours is **{part['speedup_vs_trafilatura']:.1f} times** faster per page than trafilatura "
            f"(medians). For scale: parsing a page once with lxml, and nothing else, takes "
            f"{num(part.get('lxml_parse_ms_median'), 3)} ms (median, same loop): the floor of any "
            f"extractor built on lxml; decoding the fetched bytes as Scrapy does and parsing them "
            f"with parsel, as ours does before reading anything, takes "
            f"{num(part.get('decode_parse_ms_median'), 3)} ms; 20 times faster than trafilatura "
            f"would be {num(traf / 20, 3)} ms.",
            "",
        ]
    out += ["Body F1 / exact body by era:", ""]
    era_rows = []
    for name in EXTRACTORS:
        e = part["extractors"].get(name, {})
        if not e.get("available"):
            continue
        era_rows.append(
            [name]
            + [
                f"{num(e['by_era'][era]['body_f1'], 3)} / {pct(e['by_era'][era]['body_exact'], 0)}"
                if era in e["by_era"]
                else "–"
                for era in ("E1", "E2", "E3", "E4")
            ]
        )
    out += table(["extractor", "E1", "E2", "E3", "E4"], era_rows)
    leaks = [
        f"- {name}: " + ", ".join(f"`{k}` {v}" for k, v in e["leak_kinds"].items())
        for name in EXTRACTORS
        if (e := part["extractors"].get(name, {})).get("leak_kinds")
    ]
    if leaks:
        out += ["Noise found in bodies (pages per kind):", "", *leaks, ""]
    if notes:
        out += [*notes, ""]
    multi = part.get("multipage_ours")
    if multi:
        out += [
            f"Multi-page E1 articles, ours only (all pages merged, as the crawl does; no peer reads "
            f"several pages as one article): {multi['articles']} articles, {multi['pages']} pages: "
            f"headline {pct(multi['headline_exact'])}, published {pct(multi['published_exact'])}, "
            f"author {pct(multi['author_exact'])}, body F1 {num(multi['body_f1'], 3)}, exact body "
            f"{pct(multi['body_exact'])}, leakage {pct(multi['leakage'])}, "
            f"{num(multi['ms_median'], 2)} ms an article (median).",
            "",
        ]
    out += profile(part.get("profile"), "our extraction (a loop over the same pages)")
    return out


def crawl_rows(part: dict[str, Any]) -> list[list[str]]:
    rows = []
    for label, key in (("full project", "full"), ("bare Scrapy spider", "bare")):
        f = part[key]
        rows.append(
            [
                label,
                f"{f['items']:,}".replace(",", " "),
                f"{f['requests']:,}".replace(",", " "),
                num(f["articles_per_second"]),
                num(f["articles_per_second_wall"]),
                num(f["ms_per_article"], 2),
                num(f["peak_rss_mb"]),
            ]
        )
    return rows


CRAWL_HEADER = [
    "crawler",
    "articles",
    "requests",
    "articles/s (engine)",
    "articles/s (wall)",
    "ms/article (engine)",
    "peak MB (process tree)",
]


def throughput(part: dict[str, Any]) -> list[str]:
    out = [
        f"## {TITLES['throughput']}",
        "",
        f"A replica of {part['replica_articles']:,} articles in its own process. Full project: `scrapy crawl cri "
        "-a since=2004-01-01` (robots.txt, sitemaps, API listings, every listed article: E4 and migrated "
        "E3), pipelines and archive on, browser, politeness (no delay, no AutoThrottle, 32 "
        "concurrent requests) and the WARC archive off (its cost: part 8). Bare: "
        "`benchmarks/bare_spider.py` under Scrapy's defaults with the same "
        "concurrency, one GET per article URL the full crawl stored, a trivial callback, no pipelines. "
        f"{len(part['full']['rounds'])} rounds alternating full and bare; medians; peak = the highest of "
        "the rounds. Engine time: spider open to close; wall: the whole process.",
        "",
        *measured_apart(part),
    ]
    out += table(CRAWL_HEADER, crawl_rows(part))
    methods = ", ".join(f"{k} {v}" for k, v in sorted(part.get("extraction_methods", {}).items()))
    out += [
        f"Ratio full / bare: **{part['ratio']:.2f}** on engine time ({part['ratio_wall']:.2f} on wall "
        f"time). The full crawl's bodies came from: {methods}.",
        "",
    ]
    pairs = list(zip(part["full"]["rounds"], part["bare"]["rounds"], strict=False))
    paired = [paired_ratio(f, b) for f, b in pairs]
    out += table(
        ["round", "full: engine s", "full: wall s", "bare: engine s", "bare: wall s", "ratio"],
        [
            [
                str(i + 1),
                num(f["crawl_seconds"], 2),
                num(f["wall_seconds"], 2),
                num(b["crawl_seconds"], 2),
                num(b["wall_seconds"], 2),
                num(ratio, 2),
            ]
            for i, ((f, b), ratio) in enumerate(zip(pairs, paired, strict=False))
        ],
    )
    if len(paired) > 1:
        out += [
            f"Median of the per-round ratios (each full crawl against the bare crawl right after "
            f"it, which shared its background load): {statistics.median(paired):.2f}.",
            "",
        ]
    out += request_kinds(part)
    out += profile(part.get("profile"), "one more full crawl of the same replica")
    out += profile_diff(part.get("profile"), part.get("profile_bare"), part.get("profiled_items"))
    return out


REQUEST_KINDS = {  # `benchmarks.throughput.request_kinds`: what each kind is
    "robots": "robots.txt, as the robots policy fetches it (once a host)",
    "sitemaps": "sitemaps (robots.txt's, an index's children)",
    "listings": "listing pages (home, sections and their pages)",
    "article_first": "articles: the first source of each (API, or the page of an older era)",
    "fallback_api_failed": "fallback: the API request failed (5xx, ...), so the page",
    "fallback_api_unusable": "fallback: the API answered no article, so the page",
    "fallback_api_no_body": "fallback: the API's article has no body, so the page",
    "fallback_next_address": "fallback: not at its first address, so the next one",
    "browser": "fallback: a client-rendered shell, so the browser",
    "retries": "Scrapy's retries",
    "redirects": "after a redirect (3xx answers)",
    "other": "other (the spider's own robots.txt, read for its `Sitemap:` lines; pages 2..n)",
}


def request_kinds(part: dict[str, Any]) -> list[str]:
    """The full crawl's requests by kind, and per stored article."""
    kinds, items = part.get("request_kinds"), part["full"]["items"]
    if not kinds or not items:
        return []
    rows = [[label, f"{kinds.get(key, 0):,}".replace(",", " "), num(kinds.get(key, 0) / items, 3)]
            for key, label in REQUEST_KINDS.items()]
    total = sum(kinds.values())
    rows.append(["**all requests**", f"**{total:,}**".replace(",", " "),
                 f"**{num(total / items, 3)}**"])
    return [
        f"Requests of the full crawl by kind (first round; from its stats), for "
        f"{items:,} stored articles: **{num(part['requests_per_article'], 3)} requests per stored "
        "article**.",
        "",
        *table(["request", "requests", "per stored article"], rows),
    ]


def measured_apart(part: dict[str, Any]) -> list[str]:
    """A part measured by a run of its own (`--only`), its figures merged into results.json."""
    m = part.get("machine")
    if not m:
        return []
    commit = m.get("commit") or "?"
    return [f"Measured apart from the other parts: {m['date']}, commit {commit}.", ""]


def paired_ratio(full: dict[str, Any], bare: dict[str, Any]) -> float:
    """Articles/s of a full crawl over those of the bare crawl of the same round (engine time)."""
    return (full["items"] / full["crawl_seconds"]) / (bare["items"] / bare["crawl_seconds"])


def profile_diff(
    full: dict[str, Any] | None, bare: dict[str, Any] | None, items: int | None
) -> list[str]:
    """Busy time per article by package, full crawl against bare spider (same articles)."""
    if not full or not bare or "error" in full or "error" in bare or not items:
        return []

    def ms(profile: dict[str, Any], package: str | None = None) -> float:
        samples = (
            profile["samples"] if package is None else profile["package_samples"].get(package, 0)
        )
        return 1000 * samples / profile["rate"] / items

    packages = sorted(
        set(full["package_samples"]) | set(bare["package_samples"]),
        key=lambda p: ms(full, p) - ms(bare, p),
        reverse=True,
    )
    rows = [
        [f"`{p}`", num(ms(full, p), 2), num(ms(bare, p), 2), num(ms(full, p) - ms(bare, p), 2)]
        for p in packages[:12]
    ]
    rows.append(
        ["**all busy time**", num(ms(full), 2), num(ms(bare), 2), num(ms(full) - ms(bare), 2)]
    )
    return [
        f"Busy CPU time per article by package (the leaf frame's), py-spy on one more full crawl and "
        f"one more bare crawl of the same {items:,} articles, largest differences first:",
        "",
        *table(["package", "full: ms/article", "bare: ms/article", "difference"], rows),
    ]


def scale(part: dict[str, Any]) -> list[str]:
    out = [
        f"## {TITLES['scale']}",
        "",
        f"The same two crawls on a replica of {part['replica_articles']:,} articles (one round each), "
        f"compared with part 2's {part['baseline_articles']:,}.",
        "",
        *measured_apart(part),
    ]
    out += table(CRAWL_HEADER, crawl_rows(part))
    out += [
        f"Ratio full / bare: {part['ratio']:.2f}. Peak memory of the full crawl: "
        f"{num(part['baseline_peak_rss_mb'])} MB at {part['baseline_articles']:,} articles, "
        f"{num(part['full']['peak_rss_mb'])} MB here: growth **{pct(part['memory_growth'])}**; "
        f"time per article {pct(part['ms_per_article_growth'])} against part 2.",
        "",
    ]
    small, big = part.get("baseline_memory_held") or {}, part.get("memory_held") or {}
    if small and big:
        labels = [
            ("process_peak_mb", "peak resident memory of the crawl process (VmHWM), MB"),
            ("dupefilter_entries", "Scrapy duplicate filter: fingerprints"),
            ("dupefilter_mb", "Scrapy duplicate filter: MB held"),
            ("seen_articles_mb", "discovery `seen_articles`: MB held"),
            ("seen_listings_mb", "discovery `seen_listings`: MB held"),
        ]
        out += [
            "What grows with the articles, measured at the end of each crawl "
            "(`benchmarks/memory_probe.py`: deep size of the sets that hold an entry per request or "
            "article):",
            "",
        ]
        out += table(
            [
                "figure",
                f"{part['baseline_articles']:,} articles",
                f"{part['replica_articles']:,} articles",
            ],
            [[label, fmt_value(small.get(key)), fmt_value(big.get(key))] for key, label in labels],
        )
    return out


def incremental(part: dict[str, Any]) -> list[str]:
    run = part["monitoring_run"]
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(run["by_kind"].items()))
    full = part["full_run"]
    return [
        f"## {TITLES['incremental']}",
        "",
        f"`python -m crawler run --since 2004-01-01` on an empty archive against a replica of "
        f"{part['replica_articles']:,} articles ({full['requests']:,} requests, {full['articles_new']:,} articles "
        f'stored, {num(full["wall_seconds"])} s, browser off); then `POST /__replica__/add {{"n": '
        f"{part['new_articles']}}}` and `python -m crawler run` (monitoring). Requests counted in the replica's "
        f"own log (in this process); recheck window {num(part['recheck_hours'], 0)} h.",
        "",
        *table(
            ["figure", "value"],
            [
                ["requests of the monitoring run (replica log)", str(run["requests"])],
                ["requests in the run report", str(run["requests_reported"])],
                ["requests per new article", num(run["requests_per_new_article"], 2)],
                [
                    "new articles fetched / stored",
                    f"{run['new_articles_fetched']} / {run['articles']['new']}",
                ],
                [
                    "stored articles re-fetched inside the recheck window",
                    str(run["known_rechecked_in_window"]),
                ],
                [
                    "**stored articles re-fetched outside the recheck window**",
                    str(run["known_refetched_outside_window"]),
                ],
                ["articles not in the archive fetched again", str(run["not_in_archive_fetched"])],
                [
                    "stored articles not requested (run report)",
                    str(run["articles"]["known_not_fetched"]),
                ],
                ["requests by kind", kinds],
                [
                    "wall time, peak memory",
                    f"{num(run['wall_seconds'])} s, {num(run['peak_rss_mb'])} MB",
                ],
                ["verdict", f"{run['verdict']} (exit {run['exit_code']})"],
            ],
        ),
        "Articles not in the archive: pages the full run could not store (client-rendered shells with "
        f"the browser off: {(full.get('dropped') or {}).get('cri/shell_without_browser', 0)}); a monitoring "
        "run that meets them again fetches them again.",
        "",
    ]


def browser(part: dict[str, Any]) -> list[str]:
    return [
        f"## {TITLES['browser']}",
        "",
        f"The client-rendered shells of a replica of {part['replica_articles']:,} articles, crawled by URL "
        "list with the browser on (`CRAWLER_BROWSER=True`, Debian's Chromium through scrapy-playwright): "
        "API (no body for a shell), page (a shell), page rendered in Chromium.",
        "",
        *table(
            ["figure", "value"],
            [
                ["pages (shells)", str(part["pages"])],
                [
                    "items / correct against the ground truth",
                    f"{part['items']} / {part['correct_items']}",
                ],
                [
                    "browser requests / all requests",
                    f"{part['browser_requests']} / {part['requests']}",
                ],
                [
                    "pages per second (engine time, Chromium start included)",
                    num(part["pages_per_second"], 2),
                ],
                ["pages per second (wall)", num(part["pages_per_second_wall"], 2)],
                [
                    "engine / wall seconds",
                    f"{num(part['crawl_seconds'])} / {num(part['wall_seconds'])}",
                ],
                ["peak memory, process tree with Chromium (MB)", num(part["peak_rss_mb"])],
            ],
        ),
    ]


def report_page(part: dict[str, Any]) -> list[str]:
    archive = part["archive"]
    return [
        f"## {TITLES['report_page']}",
        "",
        f"`python -m crawler report` (`cri-crawler report`) over the archive a full crawl of a "
        f"replica of {part['replica_articles']:,} articles leaves: {archive['articles']:,} articles "
        f"of every era as the store writes them ({archive['records']:,} records, "
        f"{archive['edited']:,} with a second version, {num(archive['mb'])} MB in "
        f"{archive['files']} files) and {part['runs']:,} hourly run reports "
        "(`benchmarks/report_page.py`); one process, timed, the memory of its process tree "
        "sampled.",
        "",
        *table(
            ["figure", "value"],
            [
                ["wall seconds (interpreter start included)", num(part["seconds"], 2)],
                ["peak memory, process tree (MB)", num(part["peak_rss_mb"])],
                ["page size (KB)", num(part["page_kb"])],
            ],
        ),
    ]


def export(part: dict[str, Any]) -> list[str]:
    archive, runs = part["archive"], part["exports"]
    jsonl_mb = archive["bytes"] / 2**20
    rows = []
    for key, what in (("parquet", "Parquet"), ("parquet_again", "Parquet again, nothing changed"),
                      ("jsonl", "JSON Lines"), ("csv", "CSV")):
        run = runs[key]
        size = run["bytes"]
        rows.append([what, num(run["seconds"]), num(run["peak_rss_mb"]),
                     num(size["current"] / 2**20), num(size["history"] / 2**20),
                     pct(size["history"] / archive["bytes"])])
    return [
        f"## {TITLES['export']}",
        "",
        f"`python -m crawler export` (`cri-crawler export`) of an archive of the replica's "
        f"{archive['articles']:,} articles ({archive['lines']:,} lines, {archive['edited']:,} with a "
        f"second version, {num(jsonl_mb)} MB of JSON Lines in {archive['files']} day files; made "
        "from the replica's ground truth with the store's encoder, `benchmarks/export.py`); each "
        "export in its own process, timed, the memory of its process tree sampled. `history` holds "
        "every line of the archive, so its size compares with the JSON Lines'. The replica's texts "
        "repeat a small vocabulary: real articles compress less.",
        "",
        *table(["export", "seconds", "peak memory (MB)", "current (MB)", "history (MB)",
                "history / archive JSON Lines"], rows),
    ]


def scrapyd(part: dict[str, Any]) -> list[str]:
    node, bare, one = part["scrapyd"], part["bare"], part["sequential"]
    rows = [[f"Scrapyd: {e} job", str(j["new"]), str(j["requests"]), num(j["crawl_seconds"]),
             j["verdict"]] for e, j in node["jobs"].items()]
    rows += [[f"`scrapy crawl`: {e}", str(r["items"]), str(r["requests"]), num(r["wall_seconds"]),
              "–"] for e, r in one.items()]
    rows += [[f"bare spider: {e}", str(r["items"]), str(r["requests"]), num(r["wall_seconds"]),
              "–"] for e, r in bare.items()]
    return [
        f"## {TITLES['scrapyd']}",
        "",
        f"`benchmarks/scrapyd.py`: one replica serves both editions ({part['articles_per_edition']:,} "
        "articles each, every era the edition has), each on its host (`base_url=.../{host}`). "
        "Scrapyd 1.6 on 127.0.0.1, in a Python that sees the dependencies but not the project (the "
        "jobs run the deployed egg); `cri-crawler schedule --since 2004-01-01` of both editions; "
        "wall time from the call until both jobs finished; peak memory of the node's process tree "
        "(Scrapyd and its jobs), sampled. Against: `scrapy crawl cri` of each edition one after "
        "the other, and the bare spider on the URLs each job stored, one after the other. "
        "Politeness off (the replica is local).",
        "",
        *measured_apart(part),
        *table(["run", "articles", "requests", "seconds", "verdict"], rows),
        *table(["", "wall seconds, both editions", "peak memory (MB)"], [
            ["two Scrapyd jobs at once", f"**{num(node['wall_seconds'])}**",
             f"**{num(node['peak_rss_mb'])}**"],
            ["`scrapy crawl`, one edition after the other", num(part["sequential_wall_seconds"]),
             num(part["sequential_peak_rss_mb"])],
            ["bare spider, one edition after the other", num(part["bare_wall_seconds"]),
             num(part["bare_peak_rss_mb"])],
        ]),
        "Crawl seconds of a job: its run report's duration (spider open to close); wall seconds "
        "of the others: the whole process. Peak memory of the Scrapyd row is the node's whole "
        "tree (the daemon and both jobs at once); the others', one crawl's process.",
        "",
    ]


def real_material(part: dict[str, Any]) -> list[str]:
    crawls = {"listings": part["listings"], "old addresses": part["old_addresses"]}

    def row(label: str, value: Any) -> list[str]:
        return [label, *(str(value(c)) for c in crawls.values())]

    def counted(c: dict[str, Any], key: str) -> str:
        got, want = c["published_source"][key], c["published_source_expected"].get(key, 0)
        return f"{got:,}".replace(",", " ") + ("" if got == want else f" (knobs: {want})")

    def not_item(c: dict[str, Any]) -> str:
        return ", ".join(f"{k} {v}" for k, v in c["ended"].items() if k != "item") or "none"

    api, legacy = part["migrated_api_knobs"], part["migrated_legacy_knobs"]
    failing = sum(v for k, v in api.items() if k not in ("content", "modules_cards", "modules_data"))
    noise = part["e1_noise"]
    listed, old = part["listings"]["migrated"], part["old_addresses"]["migrated"]
    working = listed["by_group"].get("api answers", {})
    out = [
        f"## {TITLES['real_material']}",
        "",
        f"Issue #11's variants as the replica's generated corpus spreads them over "
        f"{part['replica_articles']:,} articles (`benchmarks/real_material.py`): "
        f"{part['migrated_articles']} migrated E3 articles, linked by the E4 listings and "
        "sitemap without `.shtml`; their API answer "
        + ", ".join(f"`{k}` {v}" for k, v in sorted(api.items()))
        + f" ({failing} fail: `fail0` is `succeed: 0`, `http500` a 500; the E4 page always "
        "answers); their old `.shtml` page "
        + ", ".join(f"`{k}` {v}" for k, v in sorted(legacy.items()))
        + " (`soft404`: the platform's not-found page with 200)."
        + timeless_text(part)
        + " Two crawls of one replica, "
        "in the benchmark's process, whose request log names each request's article; "
        "browser, politeness and WARC off, the archive on. **Listings**: `scrapy crawl cri -a "
        "since=2004-01-01` (robots.txt, sitemaps, API listings: every E4 and migrated E3 "
        "article). **Old addresses**: `-a url_file=` with the replica's URL list of the "
        "articles no listing links (E1, E2, unmigrated E3), every migrated article at its "
        "old `.shtml` address (an old link, or an archive's `url`) and every article without "
        "a time at its address (as a URL list gives it: no listing card). Expected: the "
        "ground truth of the route each crawl reaches an article by (`Article.expected`), "
        "`published_source` included.",
        "",
        *measured_apart(part),
        *table(["figure", *crawls], [
            row("articles discovered (URLs given)", lambda c: f"{c['discovered']:,}".replace(
                ",", " ") + (f" ({c['urls']:,})".replace(",", " ") if "urls" in c else "")),
            row("requests", lambda c: f"{c['requests']:,}".replace(",", " ")),
            row("items stored / the ground truth's",
                lambda c: f"{c['items']:,} / {c['expected_items']:,}".replace(",", " ")),
            row("items equal to the ground truth", lambda c: f"{c['equal_to_ground_truth']:,}"
                .replace(",", " ") + (f" (missing {c['missing']}, extra {c['extra']}, "
                                      f"differing {c['differing']})"
                                      if c["missing"] or c["extra"] or c["differing"] else "")),
            *(row(f"`published_source` **{key}**", lambda c, key=key: counted(c, key))
              for key in ("api", "page", "listing", "url")),
            row("soft-404 answers met (`cri/interstitial/soft_404`)",
                lambda c: c["soft_404_answers"]),
            row("**dropped/soft_404** (`cri/skipped/soft_404`)", lambda c: c["dropped_soft_404"]),
            row("gone recorded (`cri/gone/*`)", lambda c: sum(c["gone"].values())),
            row("ended without an item", not_item),
            row("crawl / wall seconds",
                lambda c: f"{num(c['crawl_seconds'])} / {num(c['wall_seconds'])}"),
            row("verdict", lambda c: c["verdict"]),
        ]),
    ]
    rows = []
    for crawl, data in (("listings", listed), ("old addresses", old)):
        for name, g in data["by_group"].items():
            rows.append([crawl, f"`{name}`", str(g["articles"]), str(g["api"]), str(g["e4_page"]),
                         str(g["old_shtml"]), num(g["per_article"], 3),
                         num(g["least_per_article"], 3)])
        r = data["requests"]
        rows.append([f"**{crawl}**", "all", f"**{data['reached']}**", str(r["api"]),
                     str(r["e4_page"]), str(r["old_shtml"]), f"**{num(data['per_article'], 3)}**",
                     num(data["least_per_article"], 3)])
    out += [
        "Requests for the migrated articles, counted in the replica's log: each request whose "
        "path (or API `id`) is a migrated article's, by kind; grouped by the knob that decides "
        "the crawl's path (listings: the API answer; old addresses: the old page's answer). "
        "Least: the fewest requests the knobs allow (1 when the first source has the article, "
        "else 2).",
        "",
        *table(["crawl", "knob", "migrated articles reached", "API", "E4 page", "old `.shtml`",
                "requests per article", "least"], rows),
        f"**Against the goal of 1 (the API answer)**: from the listings, {listed['reached']} of "
        f"{listed['articles']} migrated articles were asked for, through the API "
        f"({listed['api_as_linked']} of {listed['requests']['api']} API requests with the id as "
        f"linked, without `.shtml`); old `.shtml` pages requested: "
        f"{listed['requests']['old_shtml']}. The {working.get('articles', 0)} whose API answers "
        f"took {num(working.get('per_article'), 3)} request each (goal 1). The others' API "
        "fails by the replica's knob, so their E4 page is a second request, which answers: "
        f"the mean, {num(listed['per_article'], 3)} a migrated article, is 1 + the share whose "
        f"API fails, the least this replica allows ({listed['over_least']} articles took more "
        "than their least). From old addresses the old page comes first: 1 request where it "
        "answers 200, 2 where it redirects, is gone or is the not-found page (then the "
        f"platform's page; {old['over_least']} took more than their least).",
        "",
        f"Real E1 noise (old addresses): {noise['template_2004']['articles']} pages in the 2004 "
        f"template, {noise['template_2004']['equal']} stored equal to the ground truth; "
        f"{noise['comments']['articles']} with the comments block, {noise['comments']['equal']} "
        "equal.",
        "",
        "Where times come from: `listing` counts the articles without a time reached through "
        "the listings (their API cards' `date`, epoch ms), `url` the same asked for by URL "
        "(their URL's date at midnight). The crawl reads the API listings, not the HTML "
        "listings' `DD-Mon-YYYY` dates (the dossier has those on rendered listing pages only), "
        "so no card of this replica is in that form (unit tables test it: "
        "`tests/crawler/test_extract.py`). Every soft-404 page is the "
        "old page of a migrated article whose platform page answers, so no article ends as "
        "`dropped/soft_404`; the soft-404 answers met are counted apart (the `soft_404` "
        "breakage of `tests/replica/breakages.py` serves it for every article).",
        "",
    ]
    return out


def timeless_text(part: dict[str, Any]) -> str:
    """The sentence on the articles without a time (`knobs["time"]`), when the part has them."""
    if "timeless_articles" not in part:  # measured before the replica had them
        return ""
    forms = ", ".join(f"`{k}` {v}" for k, v in sorted(part["timeless_knobs"].items()))
    api = ", ".join(f"`{k}` {v}" for k, v in sorted(part["timeless_api_knobs"].items()))
    return (f" {part['timeless_articles']} E4 articles carry no time but their listing cards' "
            f"(`knobs[\"time\"]`: `published` in the API answer {forms}; their API answer "
            f"{api}; no time on their page).")


def warc(part: dict[str, Any]) -> list[str]:
    crawls, space = part["crawls"], part["disk"]
    big, done = part["big_archive"], part["reextract_big"]
    n = f"{part['replica_articles']:,}"
    out = [
        f"## {TITLES['warc']}",
        "",
        f"The WARC archive (issue #14), `benchmarks/warc.py`. Crawls: part 2's full project "
        f"(`-a since=2004-01-01`, browser and politeness off) of a replica of {n} articles with "
        f"`CRAWLER_WARC` on and off, each in a fresh data directory, "
        f"rounds: {len(crawls['on']['rounds'])}, which goes first alternating; medians of articles "
        "per second of engine time. Disk: the first WARC-on crawl's data directory. `python -m "
        "crawler reextract`: in its own process, timed, the memory of its process tree sampled, "
        "its CPU time from the kernel; the rate is the articles it replayed over its run report's "
        "duration (spider open to close, the indexing pass included). It runs one process and the "
        "engine one thread: one core (CPU / wall below). The large archive is not crawled: it is "
        f"the crawl's WARC written {big['copies']} times with the project's own writer "
        "(`WarcArchive.store`), copy k under new article ids: the same pages, sizes, eras, "
        "listings and revisits, one WARC file a copy.",
        "",
    ]
    rows = []
    for mode in ("on", "off"):
        f = crawls[mode]
        rows.append([f"WARC {mode}", num(f["items"], 0), num(f["requests"], 0),
                     num(f["articles_per_second"]), num(f["articles_per_second_wall"]),
                     num(f["peak_rss_mb"])])
    out += table(["crawl", "articles", "requests", "articles/s (engine)", "articles/s (wall)",
                  "peak MB (process tree)"], rows)
    paired = ", ".join(num(r, 2) for r in crawls["paired_ratios"])
    out += [f"Ratio on / off: **{crawls['ratio']:.2f}** on engine time ({crawls['ratio_wall']:.2f} "
            f"on wall time; round by round: {paired}).", ""]
    stats = crawls.get("warc_stats", {})
    out += table(["disk, WARC-on crawl", "bytes per article", "MB"], [
        ["WARC files (`warc/*/*.warc.gz`)", f"**{num(space['warc_bytes_per_article'], 0)}**",
         num(space["warc_bytes"] / 2**20)],
        ["WARC index (`warc/index.sqlite3`)", num(space["index_bytes_per_article"], 0),
         num(space["index_bytes"] / 2**20)],
        ["JSON Lines output, beside them", num(space["jsonl_bytes_per_article"], 0),
         num(space["jsonl_bytes"] / 2**20)],
        ["JSON Lines output, WARC off",
         num(space.get("jsonl_bytes_per_article_warc_off"), 0), "–"],
    ])
    out += [f"{space['articles']:,} articles stored; {stats.get('warc/records', 0):,} records: "
            f"{stats.get('warc/response', 0):,} responses and {stats.get('warc/revisit', 0):,} "
            "revisits, each with its request.", ""]
    rows = []
    for key, what in (("reextract", f"the {n}-article crawl's WARC, alone in a fresh data "
                                    "directory (every item new, written)"),
                      ("reextract_in_place", "the same, in the crawl's data directory (every "
                                             "item unchanged)"),
                      ("reextract_big", f"the large archive: {big['copies']} copies, "
                                        f"{num(big['warc_bytes'] / 2**20, 0)} MB of WARC, "
                                        f"{num(big['index_bytes'] / 2**20, 0)} MB of index")):
        r = part[key]
        rows.append([what, num(r["articles"], 0), num(r["records_read"], 0),
                     num(r["duration_seconds"]), f"**{num(r['articles_per_second'], 0)}**",
                     num(r["articles_per_second_wall"], 0),
                     num(r["cores"], 2), f"**{num(r['peak_rss_mb'])}**"])
    out += table(["reextract over", "articles", "records", "run s", "articles/s (run)",
                  "articles/s (wall)", "CPU / wall", "peak MB"], rows)
    out += [f"Writing the large archive took {num(big['seconds'])} s ({big['exchanges']:,} "
            f"exchanges). Its replay gave {done['new']:,} items; {done['failed']:,} articles gave "
            "none (client-rendered shells, the crawl's browser off).", ""]
    out += profile(part.get("profile_crawl"), "one more WARC-on crawl")
    parts = part.get("profile_crawl_parts")
    if parts:
        rows = [[label, pct(share)] for label, share in parts.items() if label != "rest"]
        rows.append(["**the WARC archive, all**", f"**{pct(1 - parts['rest'])}**"])
        out += ["The WARC archive's share of that crawl's busy time:", "",
                *table(["part", "share of busy time"], rows)]
    out += profile(part.get("profile_reextract"), "one more reextract of the crawl's WARC")
    parts, prof = part.get("profile_reextract_parts"), part.get("profile_reextract") or {}
    if parts and prof.get("busy_seconds") and part.get("profiled_articles"):
        start = sum(share for label, share in parts.items() if label.startswith("start-up"))
        busy = prof["busy_seconds"] * (1 - start)  # the run's, as its rate: without start-up
        per = 1000 * busy / part["profiled_articles"]
        names = {"rest": "Scrapy engine, signals, event loop (the rest)"}
        rows = [[names.get(label, label), pct(share / (1 - start)),
                 num(share / (1 - start) * per, 3)]
                for label, share in parts.items() if not label.startswith("start-up")]
        out += [f"Where that reextract's busy time goes once started ({num(per, 2)} ms an article "
                "in all; 1,000 articles a second leaves 1 ms; start-up, "
                f"{num(prof['busy_seconds'] * start)} s of imports, is not in the rate):", "",
                *table(["part", "share", "ms per article"], rows)]
    return out


def profile(data: dict[str, Any] | None, what: str) -> list[str]:
    if not data:
        return []
    if "error" in data:
        return [f"Profile of {what}: not recorded ({data['error']}).", ""]
    out = [
        f"Profile of {what}: py-spy, {data['samples']:,} busy samples in {num(data['seconds'])} s "
        "(shares of busy time; idle waiting is not sampled).",
        "",
    ]
    rows = []
    width = max(len(data["self"]), len(data["self_by_package"]), len(data["ours_inclusive"]))
    for i in range(min(width, 10)):
        cells = []
        for key in ("self", "self_by_package", "ours_inclusive"):
            entries = data[key]
            cells.append(f"`{entries[i][0]}` {pct(entries[i][1])}" if i < len(entries) else "")
        rows.append(cells)
    out += table(["self time (function)", "self time (package)", "our functions (inclusive)"], rows)
    return out


def main() -> None:
    """`python -m benchmarks.report`: RESULTS.md again from results.json (after editing
    analysis.md), measuring nothing."""
    cli = argparse.ArgumentParser(description="RESULTS.md from results.json, without measuring")
    cli.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = cli.parse_args()
    data = json.loads((args.out / "results.json").read_text(encoding="utf-8"))
    (args.out / "RESULTS.md").write_text(render(data), encoding="utf-8")


if __name__ == "__main__":
    main()
