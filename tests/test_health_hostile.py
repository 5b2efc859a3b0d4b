"""Every failure is health, on a real crawl of hostile recordings (tests/fixtures/hostile/,
constructed): a JSON member nested 200,000 deep, a Syceron zip bomb, a bomb in a truncated
archive, a truncated archive, a feed with HTML entities, a feed with a wrong charset. Each
source gets its cause in one line, the crawl stays under 500 MB, and the exit code is 1."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT, VEILLE

pytestmark = pytest.mark.slow

SOURCES = """
[[sources]]
name = "q_profondes"
kind = "an_questions"
url = "https://hostile.example/repository/17/questions/profondes/Questions_profondes.json.zip"

[[sources]]
name = "an_bombe"
kind = "an_debates"
url = "https://hostile.example/repository/17/vp/bombe/syseron.xml.zip"

[[sources]]
name = "q_bombe_tronquee"
kind = "an_questions"
url = "https://hostile.example/repository/17/questions/bombe/Questions_bombe.json.zip"

[[sources]]
name = "q_tronquee"
kind = "an_questions"
url = "https://hostile.example/repository/17/questions/tronquee/Questions_tronquee.json.zip"

[[sources]]
name = "f_entites"
kind = "rss"
url = "https://federation-exemple.fr/rss.xml"
articles = "never"

[[sources]]
name = "f_charset"
kind = "rss"
url = "https://flux-charset.example/hostile.xml"
articles = "never"
"""
# Runs the command as its only child and prints the child's peak memory (KB) last.
MEASURED = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
            " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")


def hostile_config(tmp_path):
    """The production topic and settings, only the hostile sources, storage in tmp_path."""
    text = (ROOT / "veille.toml").read_text(encoding="utf-8")
    head = text[: text.index("[[sources]]")]
    head = re.sub(r'^database = ".*"$', f'database = "{tmp_path / "veille.db"}"', head, flags=re.M)
    head = re.sub(r'^raw_dir = ".*"$', f'raw_dir = "{tmp_path / "raw"}"', head, flags=re.M)
    path = tmp_path / "veille.toml"
    path.write_text(head + SOURCES, encoding="utf-8")
    return path


def crawl(config, replay):
    result = subprocess.run([sys.executable, "-c", MEASURED, VEILLE, "--config", str(config), "crawl", "--replay",
                             replay.url], capture_output=True, text=True, timeout=600, cwd=ROOT)
    *stderr, peak_kb = result.stderr.strip().splitlines()
    problems = {m.group(2): (m.group(1), m.group(3)) for m in
                (re.match(r"^  (ÉCHEC|avertissement) (\S+) : (.*)$", line) for line in stderr) if m}
    return result, problems, int(peak_kb) / 1024, stderr


def test_a_crawl_of_hostile_recordings_reports_each_cause_in_one_line_and_exits_1(tmp_path, replay):
    config = hostile_config(tmp_path)
    result, problems, peak_mb, stderr = crawl(config, replay)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert peak_mb < 500, f"{peak_mb:.0f} Mo"
    print(f"peak memory of the hostile crawl: {peak_mb:.0f} MB")
    assert set(problems) == {"q_profondes", "an_bombe", "q_bombe_tronquee", "q_tronquee", "f_entites", "f_charset"}, stderr
    status = {name: state for name, (state, _) in problems.items()}
    assert status == {"q_profondes": "ÉCHEC", "an_bombe": "ÉCHEC", "q_bombe_tronquee": "ÉCHEC",
                      "q_tronquee": "avertissement", "f_entites": "avertissement", "f_charset": "avertissement"}
    cause = {name: text for name, (_, text) in problems.items()}
    assert cause["q_profondes"].startswith("erreur inattendue (RecursionError: ")
    assert "QANR5L17QE0001" in cause["q_profondes"]
    assert re.search(r"membre .*CRSANR5L17S2026O1N998\.xml trop gros \(209715206 octets déclarés, limite 16 Mo\)",
                     cause["an_bombe"])
    assert "une fois décompressé" in cause["q_bombe_tronquee"]
    assert "archive tronquée" in cause["q_tronquee"] or "archive zip endommagée" in cause["q_tronquee"]
    assert cause["f_entites"].startswith("entités HTML non définies en XML, 3 entrée(s) lue(s)")
    assert cause["f_charset"].startswith("encodage déclaré incorrect")

    db = sqlite3.connect(tmp_path / "veille.db")
    questions = {uid for (uid,) in db.execute("SELECT id FROM questions")}
    # The real question after the deep member and after the bomb is stored; the truncated
    # archive gave its two whole questions.
    assert {"QANR5L17QE5268", "QANR5L17QE7001", "QANR5L17QE7002"} <= questions
    assert "QANR5L17QE7003" not in questions
    # No hostile archive is recorded as read: each is read again next time.
    assert db.execute("SELECT count(*) FROM datasets WHERE url LIKE 'https://hostile.example/%'").fetchone()[0] == 0
    titles = [t for (t,) in db.execute("SELECT title FROM documents WHERE source = 'f_entites' ORDER BY title")]
    assert titles == ["Fin des SEC-Pa ? L’inquiétude des centres de santé",
                      "Les SEC-Pa : la fédération demande leur pérennisation",
                      "SEC-Pa : financement maintenu jusqu’au 31 décembre"]
    health = dict(db.execute("SELECT name, last_status FROM sources WHERE name IN ('f_entites', 'q_tronquee', 'an_bombe')"))
    assert health == {"f_entites": "warning", "q_tronquee": "warning", "an_bombe": "failed"}
    db.close()

    # The next crawl reads the partial archives again: still a warning, never "ok".
    again, problems, _, _ = crawl(config, replay)
    assert again.returncode == 1
    assert problems["q_tronquee"][0] == "avertissement" and problems["an_bombe"][0] == "ÉCHEC"
