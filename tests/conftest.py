"""Shared pytest fixtures: the local replica of polish.cri.cn (see ``tests/replica``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.replica import ReplicaServer


@pytest.fixture(scope="session")
def replica() -> Iterator[ReplicaServer]:
    """A running replica with the fixed corpus only (real samples + E4 fixtures).

    Shared by the whole session: tests must not edit it (use ``make_replica`` for that) and
    should not assume an empty request log or override chain.
    """
    with ReplicaServer(articles=0) as server:
        yield server
        # A replica bug answers 500 and is recorded; it must not pass unnoticed.
        assert not server.errors, server.errors


@pytest.fixture()
def make_replica() -> Iterator[Callable[..., ReplicaServer]]:
    """A factory for private replicas (``make_replica(articles=50, seed=3)``), stopped after
    the test."""
    servers: list[ReplicaServer] = []

    def factory(articles: int = 0, seed: int = 1) -> ReplicaServer:
        server = ReplicaServer(articles=articles, seed=seed).start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()
    for server in servers:
        assert not server.errors, server.errors
