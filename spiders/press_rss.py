"""Press and public bodies' RSS/Atom feeds (kind "rss" in veille.toml).

Publishers: national, regional and health press, ARS, HAS, Sénat... (see veille.toml and
../shared/research/press.md for each URL and its status). Cadence: daily. robots.txt is
obeyed. Le Monde's feed licence is "usage strictement personnel": ask for permission
before professional use.
"""

from spiders.feeds import FeedSpider


class PressRssSpider(FeedSpider):
    """Every configured feed of kind "rss"."""

    name = "press_rss"
    source_kinds = {"rss"}
