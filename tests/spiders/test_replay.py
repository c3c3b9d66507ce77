"""The `replay` spider's arguments (checked before anything runs) and its settings: no network
by construction, nothing recorded, the replay's progress line; the commands' options."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from crawler.cli import build_parser
from crawler.extensions.replay_progress import ReplayProgress
from crawler.offline import OfflineDownloadHandler, OfflineRefused
from spiders.replay import IMPORT, REEXTRACT, ReplayOptions, ReplaySpider


@pytest.fixture
def warc(tmp_path: Path) -> Path:
    path = tmp_path / "a.warc.gz"
    path.write_bytes(b"")
    return path


def test_options_as_given(tmp_path: Path, warc: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("E2-560001\n")
    options = ReplayOptions.parse(REEXTRACT, "polish", " 2020-01-01", "2020-12-31", str(ids))
    assert (options.since, options.until, options.ids) == (date(2020, 1, 1), date(2020, 12, 31), ids)
    options = ReplayOptions.parse(IMPORT, "esperanto", files=f"{warc},{warc}",
                                  base_url="http://127.0.0.1:8000/any/path")
    assert options.files == (warc, warc) and options.base_url == "http://127.0.0.1:8000"
    assert options.edition.name == "esperanto"
    assert ReplayOptions.parse(IMPORT, files=[str(warc)]).files == (warc,)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"mode": "rerun"}, "mode='rerun'"),
        ({"edition": "klingon"}, "edition='klingon' is unknown"),
        ({"since": "yesterday"}, "since='yesterday' is not a date"),
        ({"since": "2021-01-01", "until": "2020-01-01"}, "since=2021-01-01 is after until=2020-01-01"),
        ({"mode": IMPORT}, "import: no WARC file given"),
        ({"files": "WARC"}, "reextract reads the data directory's archive"),
        ({"mode": IMPORT, "files": "/no/such.warc.gz"}, "WARC file /no/such.warc.gz: No such file"),
        ({"ids": "/no/such/ids.txt"}, "ids file /no/such/ids.txt: No such file"),
        ({"mode": IMPORT, "files": "WARC", "base_url": "ftp://x"}, "base_url='ftp://x' is not an http(s) URL"),
    ],
)
def test_bad_options_are_one_line(arguments: dict[str, str], message: str, warc: Path) -> None:
    given = {k: (str(warc) if v == "WARC" else v) for k, v in arguments.items()}
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ReplayOptions.parse(**given)


def test_a_directory_is_no_warc_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Is a directory"):
        ReplayOptions.parse(IMPORT, files=str(tmp_path))


def test_the_spiders_settings_make_no_connection_and_keep_nothing() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    ReplaySpider.update_settings(settings)
    project = Settings()
    project.setmodule("crawler.settings", priority="project")
    settings.update(project)  # what a crawler process does again at the start: no effect
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert {"http", "https", "ftp", "s3", "file", "data"} <= handlers.keys()
    assert set(handlers.values()) == {"crawler.offline.OfflineDownloadHandler"}
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert "crawler.middlewares.warc.WarcRecorder" not in middlewares
    extensions = settings.getdict("EXTENSIONS")
    assert extensions[ReplayProgress] == 950
    assert "crawler.extensions.progress.Progress" not in extensions
    assert "crawler.extensions.verdict.Verdict" in extensions
    assert settings.getint("CLOSESPIDER_TIMEOUT") == 0


def test_a_time_bound_given_on_the_command_line_stays() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("CLOSESPIDER_TIMEOUT", 60, priority="cmdline")
    ReplaySpider.update_settings(settings)
    assert settings.getint("CLOSESPIDER_TIMEOUT") == 60


def test_the_offline_handler_refuses_every_request() -> None:
    import asyncio

    from scrapy import Request
    from scrapy.utils.test import get_crawler

    crawler = get_crawler()
    handler = OfflineDownloadHandler(crawler)
    with pytest.raises(OfflineRefused, match="offline run: GET https://polish.cri.cn/"):
        asyncio.run(handler.download_request(Request("https://polish.cri.cn/")))


def test_the_commands_options(warc: Path) -> None:
    parser = build_parser()
    args = parser.parse_args(["reextract", "--data-dir", "d", "--since", "2020-01-01", "--ids", "f",
                              "-s", "X=1", "--quiet"])
    assert (args.command, args.data_dir, args.since, args.until, args.ids, args.set, args.quiet) == (
        "reextract", "d", "2020-01-01", None, "f", ["X=1"], True)
    args = parser.parse_args(["import-warc", "--base-url", "http://h", str(warc), str(warc)])
    assert (args.command, args.files, args.base_url, args.data_dir) == (
        "import-warc", [str(warc), str(warc)], "http://h", None)
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["import-warc"])
    assert exit_.value.code == 2
