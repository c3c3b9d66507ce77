"""A local replica of polish.cri.cn (the Polish service of China Radio International).

It serves the site as ``/work/shared/site/DOSSIER.md`` describes it, in all four URL eras,
with the noise of the real pages, the E4 JSON API, sitemaps and robots.txt, and gives the
ground truth (the clean item every article must become) for the tests of the crawler.

    from tests.replica import ReplicaServer
    with ReplicaServer(articles=100) as server:
        server.base_url, server.site.expected(reach="monitor")

Several editions on one port, each under its hosts' names (crawl with ``base_url=server.mirror_url``,
``http://127.0.0.1:PORT/{host}``, and ``edition=NAME``):

    with ReplicaServer(sites=[Site(300, seed=7), Site(200, seed=8, edition="esperanto")]) as server:
        server.sites["esperanto"].expected(reach="monitor")

Command line: ``python -m tests.replica serve|expected|urls`` (see ``cli.py``).
"""

from __future__ import annotations

from .corpus import Article, clean_text
from .server import ReplicaServer, Request, Response
from .site import Site

__all__ = ["Article", "ReplicaServer", "Request", "Response", "Site", "clean_text"]
