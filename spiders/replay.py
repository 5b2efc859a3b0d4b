"""Send requests to a recorded copy of the sources instead of the web.

With the setting VEILLE_REPLAY = "http://127.0.0.1:8765", a request for
https://www.lemonde.fr/sante/rss_full.xml goes to
http://127.0.0.1:8765/https/www.lemonde.fr/sante/rss_full.xml, and the response comes
back to the spider under its production URL. Production URLs stay in the config.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def replay_url(base: str, url: str) -> str:
    """Map a production URL to its address on the replay server."""
    parts = urlsplit(url)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.rstrip('/')}/{parts.scheme}/{parts.netloc}{path}{query}"


class ReplayMiddleware:
    """Downloader middleware that rewrites requests to the replay server when enabled."""

    def __init__(self, base: str):
        self.base = base

    @classmethod
    def from_crawler(cls, crawler):
        """Read VEILLE_REPLAY from the settings."""
        return cls(crawler.settings.get("VEILLE_REPLAY", ""))

    def process_request(self, request):
        """Redirect a production request to the replay, keeping per-host politeness slots."""
        if not self.base or request.url.startswith(self.base):
            return None
        meta = {
            **request.meta,
            "replay_original_url": request.url,
            "download_slot": urlsplit(request.url).netloc,
        }
        return request.replace(url=replay_url(self.base, request.url), meta=meta)

    def process_response(self, request, response):
        """Give the response back its production URL (the spider never sees the replay)."""
        original = request.meta.get("replay_original_url")
        if not original or not request.url.startswith(self.base or "\0"):
            return response
        return response.replace(url=original)
