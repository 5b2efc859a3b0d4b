"""Files the program reads at run time, found in the installed package (never by walking
up from a module's `__file__`): the Datasette site (package `veille_site`, the `datasette/`
folder of a checkout), the digest templates, the deployment files and the default config."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path


@lru_cache(maxsize=1)
def _site_root() -> Path:
    # `veille_site` is a namespace package (an __init__.py in `datasette/` would shadow the
    # datasette package); Python 3.11's resource reader fails on an editable install's
    # namespace placeholder, so the package's own search locations are read instead.
    spec = find_spec("veille_site")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location, "metadata.yml").is_file():
            return Path(location)
    raise FileNotFoundError("site Datasette introuvable : le paquet veille_site n'est pas installé")


def site_path(*parts: str) -> Path:
    """A file or folder of the Datasette site: `site_path("metadata.yml")`, `site_path("templates")`."""
    return _site_root().joinpath(*parts)


def package_path(*parts: str) -> Path:
    """A data file or folder shipped in `pipelines`: `package_path("templates", "digest.html")`."""
    return Path(str(files("pipelines").joinpath(*parts)))


def default_config_text() -> str:
    """The commented default `veille.toml` (topic, sources with their production URLs)."""
    return files("pipelines").joinpath("resources", "veille.toml").read_text(encoding="utf-8")
