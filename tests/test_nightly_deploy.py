"""Scheduling files: the systemd service and timer, the cron line and Scrapyd's deploy section."""

import configparser
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

DEPLOY = ROOT / "pipelines" / "deploy"


def _unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return parser


def test_systemd_service_runs_veille_nightly_once():
    service = _unit("veille-nightly.service")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("/.venv/bin/veille nightly")
    assert service["Service"]["SuccessExitStatus"] == "3"  # "already running" is not a failure
    assert "VEILLE_SMTP_PASSWORD" not in (DEPLOY / "veille-nightly.service").read_text().split("[Service]")[1].split("EnvironmentFile")[0]


def test_systemd_timer_fires_every_night():
    timer = _unit("veille-nightly.timer")
    assert timer["Timer"]["Unit"] == "veille-nightly.service"
    assert timer["Timer"]["Persistent"] == "true"
    if shutil.which("systemd-analyze"):
        out = subprocess.run(["systemd-analyze", "calendar", timer["Timer"]["OnCalendar"]], capture_output=True, text=True)
        assert out.returncode == 0 and "Normalized form: *-*-* 05:30:00" in out.stdout


def test_cron_line():
    lines = [l for l in (DEPLOY / "crontab.txt").read_text(encoding="utf-8").splitlines() if l and not l.startswith("#")]
    assert len(lines) == 1
    minute, hour, dom, month, dow, command = lines[0].split(None, 5)
    assert (minute, hour, dom, month, dow) == ("30", "5", "*", "*", "*")
    assert "veille nightly >> /opt/veille/data/nightly.log 2>&1" in command and "%" not in command


def test_scrapyd_deploy_section():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "scrapy.cfg")
    assert cfg["settings"]["default"] == "spiders.settings"
    target = cfg["deploy:veille"]  # `scrapyd-deploy veille`
    assert re.fullmatch(r"https?://[^/]+:\d+/", target["url"]) and target["project"] == "veille"


@pytest.mark.parametrize("name", ["veille-nightly.service", "veille-nightly.timer", "crontab.txt"])
def test_deploy_files_ship_with_the_package(name):
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "deploy/*" in data["tool"]["setuptools"]["package-data"]["pipelines"]
    assert (DEPLOY / name).stat().st_size > 100
