"""`veille nightly`: crawl, tag, publish and (on the configured weekday) send the digest.

Steps run in order; each is recorded in the nightly row of `runs` (column `steps`), and the
crawl runs it started point to it (`runs.parent_id`). A lock file (fcntl) keeps two nightly
runs from overlapping. The crawl and the tagging run as `veille` subprocesses: Twisted's
reactor cannot be restarted in one process, and spaCy's memory is given back at exit.

Exit code: 0 when everything ran; 1 when a step failed or a source has failed on
`max_consecutive_failures` consecutive nights; 3 when another nightly run holds the lock.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, TextIO

from pipelines import db as database
from pipelines.config import WEEKDAYS, Config
from pipelines.labels import plural
from pipelines.weeks import PARIS, previous_week, today_paris

EXIT_OK, EXIT_FAILED, EXIT_LOCKED = 0, 1, 3
VEILLE_CMD = [sys.executable, "-c", "from pipelines.cli import main; main()"]


class LockBusy(RuntimeError):
    """Another nightly run holds the lock; the message is one line."""


class NightlyLock:
    """An exclusive, non-blocking fcntl lock on a file holding the owner's pid.

    The file is never deleted (deleting a lock file lets a third run lock a new inode).
    The kernel releases it when its process dies, however it dies. `busy` is the French
    line's subject when another process holds it."""

    def __init__(self, path: Path, busy: str = "veille nightly est déjà en cours"):
        self.path = Path(path)
        self.busy = busy
        self.handle: TextIO | None = None

    def __enter__(self) -> "NightlyLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "?"
            handle.close()
            raise LockBusy(f"{self.busy} (pid {owner}, verrou {self.path}) : "
                           "cette exécution s'arrête sans rien faire.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self.handle = handle
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self.handle is not None, "lock released without being taken"
        self.handle.seek(0)
        self.handle.truncate()
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
        self.handle.close()


@dataclass
class Step:
    """What one step of the nightly run did."""

    name: str
    status: str = "ok"          # ok, failed, skipped
    summary: str = ""
    duration_s: float = 0.0
    details: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class NightlyOptions:
    """Choices of one nightly run (from the command line)."""

    replay: str = ""
    skip: tuple[str, ...] = ()
    digest: str = "auto"        # auto (configured weekday), always, never
    send: bool = True
    today: date | None = None


def _die_with_parent() -> None:
    """In the child, before exec: its own process group (so it can be stopped whole), and
    killed by the kernel when the nightly process dies, even by SIGKILL (Linux prctl)."""
    os.setpgid(0, 0)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _veille(config: Config, *args: str, timeout: float) -> subprocess.CompletedProcess:
    """Run a `veille` command in its own process group; on a timeout (or if this process is
    stopped) the whole group is killed, so no crawl outlives the night's run."""
    process = subprocess.Popen([*VEILLE_CMD, "--config", str(config.path), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=_die_with_parent,
                               env={**os.environ, "VEILLE_CONFIG": str(config.path)})
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except BaseException:
        _kill_group(process)
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.communicate()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def step_crawl(config: Config, db, run_id: str, started: str, options: NightlyOptions) -> Step:
    """Crawl every enabled source in a `veille crawl` subprocess, then adopt its run."""
    step = Step("collecte")
    args = ["crawl"] + (["--replay", options.replay] if options.replay else [])
    try:
        result = _veille(config, *args, timeout=config.nightly.crawl_timeout_s)
    except subprocess.TimeoutExpired as exc:
        step.status, step.summary = "failed", f"interrompue après {exc.timeout:.0f} s"
        return step
    children = database.adopt_runs(db, run_id, since=started, command_prefix="crawl")
    if result.returncode not in (0, 1) or not children:
        step.status = "failed"
        step.summary = _last_line(result.stderr) or f"code de sortie {result.returncode}"
        return step
    totals = {k: sum(c.get(k) or 0 for c in children) for k in ("items_seen", "relevant", "inserted", "updated", "unchanged")}
    step.data = {"runs": [c["id"] for c in children], **totals}
    problems = list(db.query(
        "SELECT source, status, error FROM run_sources WHERE run_id IN (SELECT id FROM runs WHERE parent_id = ?)"
        " AND status != 'ok' ORDER BY source", [run_id]))
    step.summary = (f"{plural(totals['items_seen'], 'élément lu', 'éléments lus')}, {totals['relevant']} sur le sujet, "
                    f"{plural(totals['inserted'], 'nouveau', 'nouveaux')}, {plural(totals['updated'], 'modifié', 'modifiés')}, "
                    f"{plural(totals['unchanged'], 'inchangé', 'inchangés')}")
    failed = [p for p in problems if p["status"] == "failed"]
    warned = [p for p in problems if p["status"] != "failed"]
    if failed:
        step.summary += f" ; {len(failed)} source{'s' if len(failed) > 1 else ''} en échec"
    if warned:
        step.summary += f" ; {len(warned)} avertissement{'s' if len(warned) > 1 else ''}"
    step.details = [f"ÉCHEC {p['source']} : {p['error']}" for p in failed]
    step.details += [f"avertissement {p['source']} : {p['error']}" for p in warned]
    new = list(db.query(
        "SELECT d.title, coalesce(s.label, d.source) source FROM documents d LEFT JOIN sources s ON s.name = d.source"
        " WHERE d.first_seen >= ? ORDER BY d.published DESC LIMIT 6", [started]))
    step.details += [f"+ « {n['title']} » ({n['source']})" for n in new[:5]]
    if totals["inserted"] > 5:
        step.details.append(f"+ … et {totals['inserted'] - 5} autres nouveaux documents")
    return step


def step_tag(config: Config, db, run_id: str, started: str, options: NightlyOptions) -> Step:
    """Run `veille tag` (actors, commitments) when the NLP step is installed."""
    step = Step("étiquetage")
    try:
        result = _veille(config, "tag", timeout=config.nightly.tag_timeout_s)
    except subprocess.TimeoutExpired as exc:
        step.status, step.summary = "failed", f"interrompu après {exc.timeout:.0f} s"
        return step
    if result.returncode != 0:
        step.status = "failed"
        step.summary = _last_line(result.stderr) or _last_line(result.stdout) or f"code de sortie {result.returncode}"
    else:
        step.summary = _last_line(result.stdout) or "terminé"
    return step


def step_publish(config: Config, db, run_id: str, started: str, options: NightlyOptions) -> Step:
    """Run [nightly] publish_command if set (Datasette otherwise reads the database live)."""
    step = Step("publication")
    command = config.nightly.publish_command
    if not command:
        step.status, step.summary = "skipped", "rien à faire : `veille serve` lit la base directement"
        return step
    try:
        result = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=1800,
                                cwd=config.path.absolute().parent)
    except (OSError, subprocess.TimeoutExpired) as exc:
        step.status, step.summary = "failed", f"{command} : {exc}"
        return step
    if result.returncode != 0:
        step.status = "failed"
        step.summary = f"{command} : {_last_line(result.stderr) or f'code de sortie {result.returncode}'}"
    else:
        step.summary = f"{command} : terminé"
    return step


def step_digest(config: Config, db, run_id: str, started: str, options: NightlyOptions) -> Step:
    """On the configured weekday, write last week's digest and send it (once per week)."""
    from pipelines.digest import DigestError, build_digest, write_digest
    from pipelines.digest_send import send_digest

    step = Step("résumé")
    settings = config.digest
    today = options.today or today_paris()
    if options.digest == "never":
        step.status, step.summary = "skipped", "désactivé (--no-digest)"
        return step
    if options.digest == "auto" and today.weekday() != settings.weekday:
        step.status = "skipped"
        step.summary = f"pas aujourd'hui (envoi le {WEEKDAYS[settings.weekday]})"
        return step
    week = previous_week(today)
    try:
        digest = build_digest(config, week, db=db, today=today)
    except DigestError as exc:
        step.status, step.summary = "failed", str(exc)
        return step
    paths = write_digest(digest, settings.out_dir, settings.formats)
    step.data = {"week": week.label, "files": [str(p) for p in paths.values()]}
    step.summary = f"semaine {week.label} écrite dans {settings.out_dir} ({', '.join(paths)})"
    mail = config.mail
    if not options.send or not mail.configured:
        step.summary += " ; pas d'envoi " + ("(--no-send)" if not options.send else "([mail] host et recipients vides)")
        return step
    if options.digest == "auto" and database.digest_already_sent(db, week.label):
        step.summary += " ; déjà envoyé cette semaine"
        return step
    outcome = send_digest(db, config, digest, paths, run_id=run_id)
    if outcome["status"] == "sent":
        step.summary += f" ; envoyé à {len(outcome['recipients'])} destinataire(s)"
        step.data["sent"] = True
    else:
        step.status = "failed"
        step.summary += f" ; {outcome['error']}"
    return step


def source_alerts(config: Config, db) -> list[str]:
    """One line per enabled source that failed on `max_consecutive_failures` nights in a row."""
    limit = config.nightly.max_consecutive_failures
    enabled = [s.name for s in config.enabled_sources()]
    if not enabled or limit <= 0:
        return []
    marks = ",".join("?" * len(enabled))
    rows = db.query(
        f"SELECT name, consecutive_failures, last_error, last_success FROM sources WHERE name IN ({marks})"
        " AND consecutive_failures >= ? ORDER BY consecutive_failures DESC, name", [*enabled, limit])
    return [f"ALERTE {r['name']} : en échec depuis {r['consecutive_failures']} nuits ({r['last_error'] or 'cause inconnue'})"
            f" ; dernière réussite : {(r['last_success'] or 'jamais')[:10]}" for r in rows]


def step_alerts(config: Config, db, run_id: str, started: str, options: NightlyOptions) -> Step:
    """Mail each configured alert's new matches (once per document and alert)."""
    from pipelines.alerts import alerts_of, run_alert

    step = Step("alertes")
    alerts = alerts_of(config)
    if not alerts:
        step.status, step.summary = "skipped", "aucune alerte ([[alerts]] vide)"
        return step
    if options.send and not config.mail.host:
        step.status, step.summary = "skipped", "pas d'envoi ([mail] host vide)"
        return step
    outcomes = [run_alert(db, config, alert, send=options.send) for alert in alerts]
    step.data = {"alerts": [{k: o.get(k) for k in ("alert", "status", "matches")} for o in outcomes]}
    step.summary = " ; ".join(o.get("message") or f"alerte « {o['alert']} » : {o['error']}" for o in outcomes)
    if any(o["status"] == "failed" for o in outcomes):
        step.status = "failed"
    return step


STEPS: dict[str, Callable[..., Step]] = {
    "crawl": step_crawl, "tag": step_tag, "publish": step_publish, "alerts": step_alerts, "digest": step_digest,
}


def run_nightly(config: Config, options: NightlyOptions, echo: Callable[[str], None] = print) -> int:
    """Run the whole night under the lock; print a short log through `echo`; return the
    exit code. Raise `LockBusy` when another run holds the lock."""
    with NightlyLock(config.nightly.lock_file):
        return _run_locked(config, options, echo)


def _run_locked(config: Config, options: NightlyOptions, echo: Callable[[str], None]) -> int:
    db = database.open_db(config.database)
    database.sync_sources(db, config.sources)
    run_id = database.start_run(db, "nightly" + (" (replay)" if options.replay else ""))
    started = db.table("runs").get(run_id)["started"]
    clock = time.monotonic()
    local = datetime.now(timezone.utc).astimezone(PARIS)
    echo(f"veille nightly {run_id} : début le {local:%d/%m/%Y à %H:%M} (heure de Paris)")
    steps: list[Step] = []
    for key, function in STEPS.items():
        if key in options.skip:
            step = Step(_label(key), "skipped", "ignorée (--skip)")
        else:
            begun = time.monotonic()
            try:
                step = function(config, db, run_id, started, options)
            except Exception as exc:  # one failing step must not stop the night
                step = Step(_label(key), "failed", f"{type(exc).__name__}: {exc}".splitlines()[0])
            step.duration_s = round(time.monotonic() - begun, 2)
        steps.append(step)
        mark = {"ok": "", "failed": "ÉCHEC ", "skipped": ""}[step.status]
        timing = f" ({step.duration_s:.0f} s)" if step.status != "skipped" and step.duration_s >= 1 else ""
        echo(f"  {mark}{step.name} : {step.summary}{timing}")
        for line in step.details:
            echo(f"    {line}")
    alerts = source_alerts(config, db)
    for line in alerts:
        echo(f"  {line}")
    errors = [f"{s.name} : {s.summary}" for s in steps if s.status == "failed"] + alerts
    database.finish_parent_run(db, run_id, [asdict(s) for s in steps], errors)
    code = EXIT_FAILED if errors else EXIT_OK
    echo(f"terminé en {time.monotonic() - clock:.0f} s, code de sortie {code}")
    db.close()
    return code


def _label(key: str) -> str:
    return {"crawl": "collecte", "tag": "étiquetage", "publish": "publication", "alerts": "alertes", "digest": "résumé"}[key]


def lock_path(config: Config) -> Path:
    """Where the nightly lock lives."""
    return config.nightly.lock_file
