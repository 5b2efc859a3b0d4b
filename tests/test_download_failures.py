"""The one French line a download failure becomes in a source's health (spiders.base)."""

from __future__ import annotations

import pytest
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError, ResponseDataLossError
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from spiders.base import describe_failure


@pytest.mark.parametrize("error, expected", [
    (DownloadConnectionRefusedError("Connection was refused by other side: 111"), "connexion refusée"),
    (ConnectionRefusedError(), "connexion refusée"),
    (CannotResolveHostError("x.invalid"), "nom de domaine introuvable (DNS)"),
    (DownloadTimeoutError("late"), "délai dépassé (pas de réponse en 30 s)"),
    (ResponseDataLossError("cut"), "réponse tronquée (connexion coupée avant la fin)"),
])
def test_known_failures_read_in_french(error, expected):
    assert describe_failure(Failure(error), 30.0) == expected


def test_an_unknown_failure_names_its_type_inside_a_french_line():
    line = describe_failure(Failure(OSError("disque plein")), 30.0)
    assert line == "échec du téléchargement (OSError : disque plein)"
