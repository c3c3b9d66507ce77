"""Command line of the replica.

    python -m tests.replica serve --port 0 [--articles N] [--seed S] [--edition NAME ...]
                                  [--faults RATE [--faults-seed S]]
    python -m tests.replica expected [--edition NAME] [--articles N] [--seed S] [--reach R] [--since YYYY-MM-DD]
    python -m tests.replica urls [--edition NAME] [--articles N] [--seed S] [--reach R]

``serve`` prints ``serving on http://127.0.0.1:PORT`` as its first line and serves until
SIGINT/SIGTERM.  ``--edition`` (repeatable: ``--edition polish --edition esperanto``) serves
those editions' sites on one port, each under its hosts' names (``/esperanto.cri.cn/...``; the
first edition also without one), N articles each; a second line then says how to crawl them
(``base_url=http://127.0.0.1:PORT/{host}``).  Bad input gives one ``replica: error: ...`` line
on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import threading
from datetime import date
from typing import NoReturn

from .corpus import REACHES
from .editions import EDITIONS
from .server import ReplicaServer
from .site import Site


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports errors in one line, without the usage dump."""

    def error(self, message: str) -> NoReturn:
        _fail(message)


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"replica: error: {message}\n")
    sys.stderr.flush()
    sys.exit(2)


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _count(text: str) -> int:
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {value}")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="replica", description="Local replica of polish.cri.cn")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def corpus_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--articles", type=_count, default=0, help="generated articles (default 0)")
        sub.add_argument("--seed", type=_whole, default=1, help="generator seed (default 1)")

    serve = commands.add_parser("serve", help="serve the replica")
    serve.add_argument("--port", type=_port, default=0, help="port on 127.0.0.1 (0: a free one)")
    serve.add_argument("--faults", type=float, default=0.0, metavar="RATE",
                       help="share of requests answered by a random fault (tests/replica/faults.py)")
    serve.add_argument("--faults-seed", type=_whole, default=1, help="seed of the fault draws")
    serve.add_argument("--edition", action="append", choices=list(EDITIONS), metavar="NAME",
                       help="serve this edition's site (repeatable: several on one port, by host; "
                       f"{', '.join(EDITIONS)}; default polish)")
    corpus_options(serve)

    def edition_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--edition", choices=list(EDITIONS), default="polish", metavar="NAME",
                         help=f"the edition's site ({', '.join(EDITIONS)}; default polish)")

    expected = commands.add_parser("expected", help="print the ground truth as JSON Lines")
    corpus_options(expected)
    edition_option(expected)
    expected.add_argument("--reach", choices=REACHES, default="all")
    expected.add_argument("--since", type=_date, default=None)

    urls = commands.add_parser("urls", help="print article URLs, one a line")
    corpus_options(urls)
    edition_option(urls)
    urls.add_argument("--reach", choices=REACHES, default="all")
    return parser


def _serve(args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.edition or ["polish"]))  # repeated names: once
    sites = [Site(articles=args.articles, seed=args.seed, edition=name) for name in names]
    server = ReplicaServer(sites=sites, port=args.port)
    if args.faults:
        if not 0 < args.faults <= 1:
            _fail(f"--faults must be a share in (0, 1], got {args.faults}")
        from .faults import random_faults

        server.overrides.add(*random_faults(args.faults, args.faults_seed))
    try:
        server.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            _fail(f"port {args.port} is already in use")
        _fail(f"cannot listen on port {args.port}: {exc.strerror or exc}")
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"serving on {server.base_url}", flush=True)
    if names != ["polish"]:
        where = ", ".join(f"{name} at {server.base_url}/{site.edition.canonical_host}/"
                          for name, site in server.sites.items())
        print(f"editions: {where}; crawl one with -a edition=NAME -a base_url={server.mirror_url}",
              flush=True)
    try:
        while not stop.wait(0.2):
            pass
    finally:
        server.stop()
    return 0


def _write_lines(lines: object) -> int:
    try:
        out = sys.stdout
        for line in lines:  # type: ignore[attr-defined]
            out.write(line)
            out.write("\n")
        out.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    site = Site(articles=args.articles, seed=args.seed, edition=args.edition)
    if args.command == "expected":
        items = site.iter_expected(args.reach, args.since)
        return _write_lines(json.dumps(item, ensure_ascii=False) for item in items)
    return _write_lines(site.urls(args.reach))
