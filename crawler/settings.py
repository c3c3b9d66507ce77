"""Scrapy settings of the project: polite defaults, grouped by concern.

The project's own settings (prefix CRAWLER_) are read once into `crawler.config.CrawlerConfig`;
the README has a table of every one.
"""

import shutil

BOT_NAME = "cri-crawler"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"  # `crawl` checks spider arguments before any request

# -- Politeness ------------------------------------------------------------------------------
USER_AGENT = "cri-crawler/0.1 (+https://github.com/cri-crawler/cri-crawler; research monitoring)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# -- The engine's own work per answer --------------------------------------------------------
# Scrapy runs the output of every callback through CONCURRENT_ITEMS tasks (default 100), made
# for each answer whatever it yields. Ours yield one item or request per article answer, and a
# listing's requests are queued at once: one is enough (100 cost a quarter of the crawl's CPU,
# benchmarks/RESULTS.md part 2).
CONCURRENT_ITEMS = 1
# The spider asks for each article, listing page and sitemap once, by its own key (article id,
# listing URL, sitemap URL): Scrapy's filter keeps only redirects apart (crawler/fetching.py).
DUPEFILTER_CLASS = "crawler.fetching.RedirectDupeFilter"

# -- Nothing listens: no telnet console, no remote control ----------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "crawler.extensions.verdict.Verdict": 800,  # before StatsFile: the verdict is in its stats
    "crawler.extensions.stats_file.StatsFile": 900,
    "crawler.extensions.progress.Progress": 950,  # CRAWLER_PROGRESS_MINUTES
    "crawler.extensions.shutdown.PromptShutdown": 100,  # a close cuts every politeness wait
}
CRAWLER_STATS_FILE = ""  # a path: the final stats are written there as JSON

# -- Output ----------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
CRAWLER_DATA_DIR = "data"
CRAWLER_EDITION = "polish"
CRAWLER_REPORT_AFTER_RUN = False  # `cri-crawler run` writes <data_dir>/report.html at its end

# -- Pipelines and the archive (layout and guarantees: pipelines/store.py) -------------------
# clean -> validate -> dedupe -> store; the items a pipeline keeps go on to feed exports (-O).
ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 900,
}
CRAWLER_ARCHIVE = True  # false: no dedupe, no store (a plain export with -O)
CRAWLER_WARC = True  # every response kept in <data_dir>/warc (crawler/archive/warc.py)
CRAWLER_BATCH_ITEMS = 100
CRAWLER_BATCH_SECONDS = 5.0

# -- Discovery -------------------------------------------------------------------------------
CRAWLER_EMPTY_PAGES_STOP = 3
CRAWLER_MAX_LISTING_PAGES = 500
CRAWLER_MONITOR_MAX_PAGES = 10
CRAWLER_RECHECK_HOURS = 48.0
CRAWLER_GONE_RECHECK_DAYS = 30.0  # a listed article that answered 404/410 waits this long
# A publication time more than this many calendar days from the date in the article's URL is kept
# but counted
# (`cri/published_mismatch`, in the run report): E1 pages can differ by a day (DOSSIER section 1).
CRAWLER_MAX_DATE_MISMATCH_DAYS = 2
CRAWLER_MAX_BODY_CHARS = 500_000  # the longest real articles have ~50,000 characters
# Bounded discovery (issue #13; crawler/sitemaps.py): whatever the site lists, a run stays bounded.
# The real sitemap holds ~100 URLs (~5 days): 2,000 is ~100 days of publishing, enough for a
# monitor that missed weeks, and fetched within one hourly run at the polite pace. A backfill
# reads the archive through the listings, not the sitemap: the same cap (raise it with -s).
CRAWLER_MAX_SITEMAP_URLS = 2000
CRAWLER_MAX_SITEMAPS = 10  # the real site has 2 (robots.txt -> index -> latest)
# Sitemap links wait (and a listing's are cut) while the scheduler holds this many requests: a
# few MB, and work for the downloader for many minutes at the polite pace.
CRAWLER_MAX_QUEUED_REQUESTS = 1000
# Sections are discovered from the API, never listed by hand: ~10-30 real ones, 200 at most per
# run (each walk's depth: CRAWLER_MONITOR_MAX_PAGES, CRAWLER_MAX_LISTING_PAGES).
CRAWLER_MAX_LISTINGS = 200

# -- Politeness beyond Scrapy's (crawler/middlewares) -----------------------------------------
CRAWLER_ROBOTS_FAIL_CLOSED = True
CRAWLER_RETRY_AFTER_MAX = 300.0
DOWNLOADER_MIDDLEWARES = {
    # First: nothing off the outlet's hosts is fetched, redirects included (robots.txt neither).
    "crawler.middlewares.egress.EgressAllowlistMiddleware": 50,
    # Scrapy's robots.txt middleware, replaced at its place: fails closed, honours Crawl-delay.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsPolicyMiddleware": 100,
    # Above RetryMiddleware (550): sees a 429/503 first and waits out its Retry-After.
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 560,
    # Outside HttpCompressionMiddleware (590): a compressed body cut short is retried, not parsed.
    "crawler.middlewares.integrity.CompressedIntegrityMiddleware": 595,
    # Below Retry (550) and Redirect (600), after decompression (590): the final answers.
    "crawler.middlewares.warc.WarcRecorder": 540,
}

# -- Bounded runs: a hung crawl must not run into the next cron slots. Either limit ends the run
# with its own finish reason (`closespider_timeout`, `memusage_exceeded`): unhealthy, and what
# the store wrote before stays (its batches are durable).
CLOSESPIDER_TIMEOUT = 3300  # seconds: below the hourly cron interval
CRAWLER_BACKFILL_TIMEOUT = 0  # a backfill's CLOSESPIDER_TIMEOUT (it takes days); 0: none
MEMUSAGE_LIMIT_MB = 2048
MEMUSAGE_WARNING_MB = 1024

# -- Health checks after every crawl (crawler/extensions/verdict.py, crawler/monitoring); alert
# channels come from the environment
CRAWLER_VERDICT = True  # false: no checks, no run report, no alert (the feed test spider)
CRAWLER_HEALTH_MAX_ERRORS = 5
CRAWLER_HEALTH_MIN_COVERAGE = 0.99
# A time the answer itself gave (API or page), not one filled in from the listing's card or the
# URL: those hide a broken date selector. Lower than the other coverages: whether the outlet's
# answers ever lack a time is UNKNOWN (the replica serves some that do).
CRAWLER_HEALTH_MIN_PUBLISHED_COVERAGE = 0.9
CRAWLER_HEALTH_MAX_FALLBACK_SHARE = 0.05
CRAWLER_HEALTH_MAX_NO_BODY_SHARE = 0.05
# Articles that are gone come and go; half of the article answers "not found" is a changed URL
# scheme (links the platform no longer serves), not deletions.
CRAWLER_HEALTH_MAX_SOFT_404_SHARE = 0.5
CRAWLER_HEALTH_MAX_EMPTY_LISTING_SHARE = 0.5
CRAWLER_HEALTH_MAX_BLOCKED_SHARE = 0.05
CRAWLER_HEALTH_MAX_LOST_SHARE = 0.1
# Shares are judged from this many cases, pooled over the latest runs (crawler/monitoring/checks.py).
CRAWLER_HEALTH_MIN_JUDGED = 20
CRAWLER_HEALTH_MAX_HOURS_WITHOUT_NEW = 24.0
CRAWLER_ALERT_REPEAT_HOURS = 6.0  # a streak of the same failure alerts once per this many hours

# -- Progress of long runs (crawler/extensions/progress.py) -----------------------------------
CRAWLER_PROGRESS_MINUTES = 10.0  # without a terminal: one plain line this often; 0: none

# -- Browser for client-rendered pages (scrapy-playwright, Debian's Chromium) ----------------
# Our handler starts Playwright only at the first page that needs it (crawler/browser.py).
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.LazyBrowserDownloadHandler",
    "https": "crawler.browser.LazyBrowserDownloadHandler",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
CRAWLER_BROWSER = True
CRAWLER_BROWSER_TIMEOUT_MS = 30000
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ],
}
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30000

# -- Logging ---------------------------------------------------------------------------------
LOG_LEVEL = "INFO"
