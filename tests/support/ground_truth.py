"""Crawled items against the replica's ground truth (`Site.expected()`), and the replica serving
several editions to crawls through one base URL (`ReplicaServer.mirror_url`, `{host}`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from tests.replica import ReplicaServer, Site


def differences(items: Iterable[Mapping[str, Any]],
                expected: list[dict[str, Any]]) -> tuple[list[str], list[str], dict[str, Any]]:
    """(missing ids, extra ids, {id: {field: (got, wanted)}}) of items against the ground truth,
    on the fields the ground truth has."""
    fields = list(expected[0]) if expected else ["id"]
    got = {item["id"]: {k: item.get(k) for k in fields} for item in items}
    want = {item["id"]: item for item in expected}
    differing = {
        i: {k: (got[i][k], want[i][k]) for k in fields if got[i][k] != want[i][k]}
        for i in want.keys() & got.keys()
        if got[i] != want[i]
    }
    return sorted(want.keys() - got.keys()), sorted(got.keys() - want.keys()), differing


def assert_same_items(items: list[Mapping[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Every expected article exactly once, every field of the ground truth equal, none else."""
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), "an article was written twice"
    assert differences(items, expected) == ([], [], {})


@contextmanager
def editions_replica(articles: Mapping[str, tuple[int, int]]) -> Iterator[ReplicaServer]:
    """One running replica serving a site per edition, `{name: (articles, seed)}`, the first
    also at paths that name no host. Crawl each with `base_url=server.mirror_url`; its ground
    truth is `server.sites[name].expected(...)`."""
    sites = [Site(count, seed=seed, edition=name) for name, (count, seed) in articles.items()]
    with ReplicaServer(sites=sites) as server:
        yield server
    assert not server.errors, server.errors  # a replica bug answers 500: it must not pass


def cross_edition_requests(server: ReplicaServer) -> list[str]:
    """Requests that reached one edition's site asking for another edition's page (an API
    `id` on another host): a crawl that strayed across editions. Empty when none did."""
    hosts = {name: set(site.edition.hosts) for name, site in server.sites.items()}
    return [
        f"{request.edition}: {request.body_id}"
        for request in server.requests
        if request.body_id
        and (urlsplit(request.body_id).hostname or "") not in hosts[request.edition]
    ]
