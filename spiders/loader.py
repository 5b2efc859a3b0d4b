"""Spider loader that loads each spider module on its own: a module that fails to import
is reported in one line and the spiders of the other modules still run."""

from __future__ import annotations

import importlib
import logging
import pkgutil

from scrapy.spiderloader import SpiderLoader

logger = logging.getLogger(__name__)


class IsolatingSpiderLoader(SpiderLoader):
    """Like Scrapy's loader, but one broken module never hides the others."""

    broken: dict[str, str]

    def _load_all_spiders(self) -> None:
        self.broken = {}
        for package_name in self.spider_modules:
            package = importlib.import_module(package_name)
            for info in pkgutil.iter_modules(package.__path__, package_name + "."):
                try:
                    module = importlib.import_module(info.name)
                except Exception as exc:  # any import-time error of one source's code
                    self.broken[info.name] = f"{type(exc).__name__}: {exc}"
                    logger.error("module d'araignée %s ignoré : %s", info.name, self.broken[info.name])
                    continue
                self._load_spiders(module)
        self._check_name_duplicates()
