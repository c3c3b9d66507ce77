"""The editions the replica can serve: Polish (the whole outlet) and Esperanto (a sister).

The replica is written for the Polish edition: every renderer names ``polish.cri.cn`` and
``polish.cgtn.com``. Another edition is the same machinery with three differences, all made
here: its corpus (only the eras and reaches that edition has), its articles (canonical URL on
its host, its language, initials in letters its noise rule knows, ids of their own) and its
answers (every Polish host in a served body becomes the edition's canonical host). The texts
stay Polish: an edition's crawler reads the same markup, and nothing in the texts is noise to it.

The facts are the replica's own (it never reads the crawler's registry): a test that compares
a crawl with ``Site.expected()`` checks the crawler's registry against them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from . import texts

if TYPE_CHECKING:
    from .corpus import Article

POLISH_HOSTS = ("polish.cri.cn", "polish.cgtn.com")
GATEWAY_HOSTS = ("big5.cri.cn",)  # the traditional-Chinese gateway: /gate/big5/<host>/<path>

# Polish capitals the Esperanto initials pattern does not know, and the letters that stand in.
_ESPERANTO_LETTERS = str.maketrans("ĄĆĘŁŃÓŚŹŻ", "AĈEĤNOŜZĴ")


@dataclass(frozen=True)
class ReplicaEdition:
    """One edition as the replica serves it."""

    name: str
    hosts: tuple[str, ...]  # the canonical host first, then its aliases
    language: str  # the items' `language`
    eras: tuple[str, ...]  # the eras it has articles of
    # Share of each older era in the generated corpus (the rest is E4), and every how many E3
    # articles one is migrated into the E4 listings (1: all of them).
    shares: Mapping[str, float] = field(default_factory=dict)
    migrate_every: int = 4
    # False: only articles its listings show (E4 and migrated E3), none reachable by URL only.
    url_only: bool = True
    authors: tuple[str, ...] = texts.AUTHORS  # the initials its articles end with

    @property
    def canonical_host(self) -> str:
        return self.hosts[0]

    @property
    def base(self) -> str:
        """``https://<canonical host>``: where its canonical URLs are."""
        return f"https://{self.hosts[0]}"

    @property
    def big5_prefix(self) -> str:
        """The path prefix of its pages through the big5 gateway."""
        return f"/gate/big5/{self.hosts[0]}"

    @property
    def is_polish(self) -> bool:
        return self.hosts == POLISH_HOSTS

    def localise(self, text: str) -> str:
        """A text written for the Polish edition, with the edition's host for the Polish ones."""
        if self.is_polish:
            return text
        return text.replace(POLISH_HOSTS[1], self.hosts[0]).replace(POLISH_HOSTS[0], self.hosts[0])

    def localise_body(self, body: bytes) -> bytes:
        """The same for a served body (the hosts are ASCII in every encoding the replica uses)."""
        if self.is_polish:
            return body
        new = self.hosts[0].encode("ascii")
        return body.replace(POLISH_HOSTS[1].encode(), new).replace(POLISH_HOSTS[0].encode(), new)

    def letters(self, initials: str | None) -> str | None:
        """Initials in letters the edition's rule knows (Polish letters for another edition)."""
        if initials is None or self.is_polish:
            return initials
        return initials.translate(_ESPERANTO_LETTERS)

    def adopt(self, article: Article, *, rekey: bool = False) -> Article:
        """A Polish-made article as this edition's: URL on its host, its language and initials;
        ``rekey``: an id of its own (the fixed articles, which both editions would share)."""
        if self.is_polish:
            return article
        url, article_id = article.url, article.id
        if rekey:
            article_id = other_id(article.id)
            url = url.replace(article.id, article_id)
        return replace(
            article,
            id=article_id,
            url=self.base + url[url.index("/", len("https://")):],
            language=self.language,
            author=self.letters(article.author),
            initials=self.letters(article.initials),
        )


def other_id(article_id: str) -> str:
    """Another valid id of the same era and date (E4: the 3-digit suffix moved by 500; E3: the
    20 letters and digits in swapped case), so that two editions' fixed articles differ."""
    if len(article_id) == 20:  # ARTI + 13-digit ms + 3 digits
        return f"{article_id[:17]}{(int(article_id[17:]) + 500) % 1000:03d}"
    return f"ARTI{article_id[4:24].swapcase()}{article_id[24:]}"  # ARTI + 20 alnum + yymmdd


POLISH = ReplicaEdition(
    "polish", POLISH_HOSTS, "pl", ("E1", "E2", "E3", "E4"),
    shares=MappingProxyType({"E3": 0.16, "E2": 0.09, "E1": 0.15}),
)
# Esperanto (esperanto.cri.cn): the current platform and the E3 articles it serves again;
# its crawler knows no older era, so the replica has none (DOSSIER section 9: the real API
# answer is of this edition).
ESPERANTO = ReplicaEdition(
    "esperanto", ("esperanto.cri.cn",), "eo", ("E3", "E4"),
    shares=MappingProxyType({"E3": 0.16}), migrate_every=1, url_only=False,
    authors=tuple(a.translate(_ESPERANTO_LETTERS) for a in texts.AUTHORS),
)
EDITIONS: Mapping[str, ReplicaEdition] = MappingProxyType({e.name: e for e in (POLISH, ESPERANTO)})


def replica_edition(name: str) -> ReplicaEdition:
    """The named edition; ValueError names the ones the replica has."""
    try:
        return EDITIONS[name]
    except KeyError:
        known = ", ".join(EDITIONS)
        raise ValueError(f"the replica has no edition {name!r}; it has: {known}") from None


__all__ = [
    "EDITIONS", "ESPERANTO", "GATEWAY_HOSTS", "POLISH", "ReplicaEdition", "other_id",
    "replica_edition",
]
