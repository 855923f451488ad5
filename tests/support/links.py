"""Following the links of a served site, for the slow site tests: every local link of a page
must answer 200, and a link to an anchor must find an element with that id."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

LINK = re.compile(r'(?:href|src)="([^"]+)"')
REFRESH = re.compile(r'http-equiv="refresh" content="0; url=([^"]+)"')
TIMEOUT = 30


@dataclass
class Fetched:
    url: str
    status: int
    text: str


@dataclass
class LinkChecker:
    """Fetches pages of one site (``base``) over HTTP, each at most once."""

    base: str
    pages: dict[str, Fetched] = field(default_factory=dict)

    def fetch(self, url: str) -> Fetched:
        if url not in self.pages:
            try:
                with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                    body = response.read().decode("utf-8", errors="replace")
                    self.pages[url] = Fetched(url, response.status, body)
            except urllib.error.HTTPError as exc:
                self.pages[url] = Fetched(url, exc.code, "")
        return self.pages[url]

    def local_links(self, page_url: str) -> list[str]:
        """The links of a page that stay on this site, absolute, with their fragments."""
        text = self.fetch(page_url).text
        found = [unescape(m) for m in LINK.findall(text)] + REFRESH.findall(text)
        out = []
        for link in found:
            absolute = urljoin(page_url, link)
            if absolute.startswith(self.base) and urlsplit(absolute).scheme == "http":
                out.append(absolute)
        return out

    def broken(self, page_url: str) -> list[str]:
        """The local links of ``page_url`` that do not answer 200 or miss their anchor."""
        problems = []
        for link in self.local_links(page_url):
            target, anchor = urldefrag(link)
            fetched = self.fetch(target)
            if fetched.status != 200:
                problems.append(f"{page_url} -> {link}: HTTP {fetched.status}")
            elif anchor and "=" not in anchor and f'id="{anchor}"' not in fetched.text:
                problems.append(f"{page_url} -> {link}: no element with id {anchor!r}")
        return problems
