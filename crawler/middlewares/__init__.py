"""Downloader middlewares of the project: politeness that Scrapy lacks (one file per component).

- `robots.RobotsPolicyMiddleware` replaces Scrapy's RobotsTxtMiddleware: fails closed when
  robots.txt is unavailable and honours its Crawl-delay;
- `retry_after.RetryAfterMiddleware` waits out a 429/503 Retry-After before the retry.
"""
