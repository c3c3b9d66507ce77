"""Editions as jobs on Scrapyd nodes: `cri-crawler schedule` and `cri-crawler status --scrapyd`.

The unit of scale is the edition: one outlet host per job, since several workers on one host
only multiply the load on it (README: Scaling out). `schedule` deploys this version of the
project to a node that lacks it, then starts one job per edition, each with its own data
directory; `status --scrapyd` reads every edition's last job and the verdict its log holds.

Jobs are named `<edition>-<UTC time>`: Scrapyd's job list does not show a job's arguments, and
the name is how an edition's earlier jobs are found again (a job still running refuses a new
one). Talks to Scrapyd's JSON API with the standard library only: a machine that schedules
needs no Scrapyd of its own.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import io
import json
import re
import sys
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any, TextIO
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from crawler import __version__
from crawler.editions import EDITIONS
from crawler.monitoring.verdict_line import find_verdict

PROJECT = "cri-crawler"
SPIDER = "cri"
# What the egg holds: the packages `scrapy crawl` imports on the node (pyproject's packages).
PACKAGES = ("crawler", "spiders", "pipelines")
SETTINGS_MODULE = "crawler.settings"  # the `scrapy` entry point, as in pyproject.toml
LOG_TAIL_BYTES = 1 << 20  # the verdict is among a log's last lines: never fetch a whole log
EXIT_OK, EXIT_UNHEALTHY, EXIT_USAGE = 0, 1, 2
JOB_ID = re.compile(r"^(?P<edition>[a-z][a-z0-9_]*)-\d{8}T\d{6}Z$")


class ScrapydError(Exception):
    """A node that cannot be reached or refused a call: the message is one line for cron mail."""


@dataclass(frozen=True)
class Job:
    """A job of the spider on a node, as `listjobs.json` shows it."""

    id: str
    edition: str
    state: str  # pending | running | finished
    started: str | None
    ended: str | None
    log_url: str | None


class Node:
    """One Scrapyd node's JSON API. A URL with `user:password@` logs in with HTTP basic auth."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ScrapydError(f"--scrapyd {url!r} is not an http(s) URL")
        self.auth: str | None = None
        if parts.username is not None:
            token = f"{parts.username}:{parts.password or ''}".encode()
            self.auth = "Basic " + base64.b64encode(token).decode("ascii")
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.url = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/") + "/", "", ""))
        self.timeout = timeout

    def call(self, endpoint: str, query: Mapping[str, str] | None = None,
             form: Iterable[tuple[str, str]] | None = None,
             egg: bytes | None = None) -> dict[str, Any]:
        """A JSON endpoint's answer; ScrapydError unless its status is "ok"."""
        url = urljoin(self.url, endpoint) + (f"?{urlencode(query)}" if query else "")
        body, content_type = None, None
        if egg is not None:
            body, content_type = _multipart(list(form or ()), egg)
        elif form is not None:
            body, content_type = urlencode(list(form)).encode(), "application/x-www-form-urlencoded"
        try:
            answer = json.loads(self._fetch(url, body, content_type))
        except ValueError:
            raise ScrapydError(f"{self.url} is not a Scrapyd node ({endpoint}: no JSON)") from None
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            message = str(answer.get("message", answer)).strip().splitlines()
            raise ScrapydError(f"Scrapyd {endpoint} refused: {message[-1] if message else answer}")
        return answer

    def tail(self, path: str, size: int = LOG_TAIL_BYTES) -> str:
        """The last `size` bytes of a file the node serves (a job's log), decoded."""
        url = urljoin(self.url, path.lstrip("/"))
        # Twisted's file server fails a suffix range longer than the file: ask from an offset.
        length = int(self._fetch(url, method="HEAD", length=True) or 0)
        headers = {"Range": f"bytes={length - size}-"} if length > size else {}
        return self._fetch(url, headers=headers).decode("utf-8", "replace")

    def _fetch(self, url: str, body: bytes | None = None, content_type: str | None = None,
               headers: Mapping[str, str] | None = None, method: str | None = None,
               length: bool = False) -> bytes:
        """The answer's body (`length`: its Content-Length header instead)."""
        request = urllib.request.Request(url, data=body, headers=dict(headers or {}),
                                         method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if self.auth:
            request.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if length:
                    return (response.headers.get("Content-Length") or "").encode()
                return response.read()
        except urllib.error.HTTPError as exc:
            raise ScrapydError(f"Scrapyd at {self.url} answered {exc.code} {exc.reason} "
                               f"for {urlsplit(url).path}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ScrapydError(f"Scrapyd at {self.url} is unreachable ({reason})") from None

    # The calls this module makes.
    def check(self) -> None:
        self.call("daemonstatus.json")

    def versions(self) -> list[str]:
        projects = self.call("listprojects.json").get("projects", [])
        if PROJECT not in projects:
            return []
        return list(self.call("listversions.json", {"project": PROJECT}).get("versions", []))

    def has_version(self, version: str) -> bool:
        # Scrapyd names an egg file after the version, every character but [A-Za-z0-9_-] an
        # underscore, and lists the file names.
        return re.sub(r"[^A-Za-z0-9_-]", "_", version) in self.versions()

    def add_version(self, version: str, egg: bytes) -> None:
        self.call("addversion.json", form=[("project", PROJECT), ("version", version)], egg=egg)

    def jobs(self) -> list[Job]:
        """The spider's jobs that `schedule` named, every state, oldest first."""
        if PROJECT not in self.call("listprojects.json").get("projects", []):
            return []
        answer = self.call("listjobs.json", {"project": PROJECT})
        found = []
        for state in ("finished", "running", "pending"):
            for entry in answer.get(state, []):
                match = JOB_ID.match(str(entry.get("id", "")))
                if entry.get("spider") != SPIDER or not match:
                    continue  # another spider's, or a job named by hand
                found.append(Job(entry["id"], match["edition"], state, entry.get("start_time"),
                                 entry.get("end_time"), entry.get("log_url")))
        # The id's time orders an edition's jobs, whatever their state.
        return sorted(found, key=lambda job: job.id.rsplit("-", 1)[1])

    def schedule(self, job: str, version: str, settings: Mapping[str, str],
                 arguments: Mapping[str, str]) -> None:
        form = [("project", PROJECT), ("spider", SPIDER), ("jobid", job), ("_version", version)]
        form += [("setting", f"{name}={value}") for name, value in settings.items()]
        form += [(name, value) for name, value in arguments.items() if value is not None]
        self.call("schedule.json", form=form)


def build_egg() -> tuple[str, bytes]:
    """This installation's code as a Scrapyd egg, and its version: the package version with a
    digest of the code, so that a node holds each state of the code once and `schedule` knows
    whether it must deploy. Built from the imported packages, so it works from a checkout and
    from an installed package alike, and byte for byte the same each time."""
    files: list[tuple[str, bytes]] = []
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ScrapydError(f"cannot find the package {package!r} to deploy")
        root = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append((str(PurePosixPath(package, path.relative_to(root).as_posix())),
                              path.read_bytes()))
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    version = f"{__version__}+{digest.hexdigest()[:12]}"
    files += [
        ("EGG-INFO/PKG-INFO", f"Metadata-Version: 2.1\nName: {PROJECT}\nVersion: {version}\n".encode()),
        ("EGG-INFO/entry_points.txt", f"[scrapy]\nsettings = {SETTINGS_MODULE}\n".encode()),
        ("EGG-INFO/top_level.txt", "".join(f"{p}\n" for p in PACKAGES).encode()),
        ("EGG-INFO/zip-safe", b"\n"),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        for name, data in files:
            egg.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return version, buffer.getvalue()


def schedule(args: argparse.Namespace, out: TextIO | None = None,
             err: TextIO | None = None) -> int:
    """`cri-crawler schedule`: exit 0 when every edition asked for was scheduled, 1 when one
    was refused because its previous job is still running, 2 on bad input or a node that
    cannot be reached or refused."""
    out, err = out or sys.stdout, err or sys.stderr
    editions = list(EDITIONS) if args.all else (args.edition or ["polish"])
    unknown = [name for name in editions if name not in EDITIONS]
    if unknown:
        return _usage(err, f"unknown edition {unknown[0]!r}; known: {', '.join(sorted(EDITIONS))}")
    try:
        settings = dict(_setting(pair) for pair in args.set or ())
    except ValueError as exc:
        return _usage(err, str(exc))
    if "CRAWLER_DATA_DIR" in settings:  # one per edition: DATA_ROOT/<edition>
        return _usage(err, "-s CRAWLER_DATA_DIR: each job's data directory is "
                           "--data-root/<edition>; give --data-root")
    try:
        node = Node(args.scrapyd)
        node.check()
        version, egg = build_egg()
        if not node.has_version(version):
            node.add_version(version, egg)
            print(f"deployed {PROJECT} {version} to {node.url}", file=out)
        busy = {job.edition: job for job in node.jobs() if job.state != "finished"}
        refused = 0
        for edition in dict.fromkeys(editions):
            if edition in busy:
                job = busy[edition]
                print(f"{edition}: not scheduled: its job {job.id} is still {job.state}", file=err)
                refused += 1
                continue
            job = f"{edition}-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}"
            data_dir = str(PurePosixPath(args.data_root, edition))
            node.schedule(job, version, settings | {"CRAWLER_DATA_DIR": data_dir},
                          {"edition": edition, "since": args.since, "base_url": args.base_url})
            print(f"{edition}: scheduled job {job} ({version}), data in {data_dir}", file=out)
    except ScrapydError as exc:
        return _usage(err, str(exc))
    return EXIT_UNHEALTHY if refused else EXIT_OK


def status(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`cri-crawler status --scrapyd URL`: every edition's last job on the node and its verdict,
    read from the job's log. Exit 0 when every edition's last finished job was healthy, 1 when
    one was not (or left no verdict), 2 when the node cannot be reached."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        node = Node(args.scrapyd)
        node.check()
        last = {job.edition: job for job in node.jobs()}  # oldest first: the last one stays
        editions = [_describe(node, job) for _, job in sorted(last.items(), key=_edition_order)]
    except ScrapydError as exc:
        return _usage(err, str(exc))
    if args.json:
        print(json.dumps({"scrapyd": node.url, "editions": editions}, ensure_ascii=False,
                         indent=2), file=out)
    else:
        print(_table(node.url, editions), file=out)
    finished = [e for e in editions if e["state"] == "finished"]
    return EXIT_OK if all(e["verdict"] == "healthy" for e in finished) else EXIT_UNHEALTHY


def _describe(node: Node, job: Job) -> dict[str, Any]:
    """One edition's last job and, once it finished, the verdict its log holds."""
    found: dict[str, Any] = {}
    if job.state == "finished":
        if not job.log_url:
            raise ScrapydError(f"Scrapyd at {node.url} keeps no log of job {job.id} "
                               "(is logs_dir empty in its configuration?)")
        # A finished job whose log holds no verdict died before judging: unhealthy.
        found = find_verdict(node.tail(job.log_url)) or {
            "verdict": "unhealthy", "failed": ["no verdict in the job's log"]}
    return {
        "edition": job.edition,
        "job": job.id,
        "state": job.state,
        "started": job.started,
        "ended": job.ended,
        "verdict": found.get("verdict"),
        "failed": found.get("failed", []),
        "new": found.get("new"),
        "updated": found.get("updated"),
        "finish_reason": found.get("finish_reason"),
        "version": found.get("version"),
        "log_url": urljoin(node.url, job.log_url.lstrip("/")) if job.log_url else None,
    }


def _table(url: str, editions: list[dict[str, Any]]) -> str:
    if not editions:
        return f"Scrapyd {url}: no job of {PROJECT} yet"
    rows = [("edition", "job", "state", "verdict", "new", "updated", "failed checks")]
    for e in editions:
        rows.append((e["edition"], e["job"], e["state"], e["verdict"] or "-",
                     _count(e["new"]), _count(e["updated"]), ", ".join(e["failed"]) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"Scrapyd {url}"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def _edition_order(item: tuple[str, Job]) -> tuple[int, str]:
    """The registry's order (polish first), editions it no longer knows last."""
    names = list(EDITIONS)
    return (names.index(item[0]) if item[0] in names else len(names), item[0])


def _setting(pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"-s {pair!r}: expected NAME=VALUE")
    return name.strip(), value


def _multipart(fields: list[tuple[str, str]], egg: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the fields and the egg file (`addversion.json`)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; '
                 f'filename="{PROJECT}.egg"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + egg + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _usage(err: TextIO, message: str) -> int:
    print(f"cri-crawler: error: {message}", file=err)
    return EXIT_USAGE
