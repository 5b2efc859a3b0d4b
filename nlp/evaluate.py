"""Evaluation against a labelled development set (veille's is tests/fixtures/nlp/devset.jsonl).

Pure: items (dicts) in, scores and errors out. Labels: topic mentions, actors (text +
resolved id), role resolution (accuracy over gold role mentions) and commitments (a
commitment counts only when kind, actor, amount and deadline are all right). A role left
unresolved matches a gold role marked unresolvable ("role:..."): staying a role is right.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language

from nlp.extract import extract
from nlp.roles import Reference
from nlp.text import fold
from nlp.topic import TopicMatcher

TARGETS = {"topic_recall": 1.0, "topic_precision": 0.98, "actors_f1": 0.90, "roles_accuracy": 0.95,
           "commitments_f1": 0.80}
_LEADING = re.compile(r"^(?:(?:le|la|les|l'|m\.|mme|madame|monsieur)\s*)+")


@dataclass
class Score:
    """Counts for one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores per label, role accuracy, and the errors (one line each)."""

    scores: dict[str, Score] = field(default_factory=dict)
    roles_correct: int = 0
    roles_total: int = 0
    errors: list[str] = field(default_factory=list)
    items: int = 0

    @property
    def roles_accuracy(self) -> float:
        return self.roles_correct / self.roles_total if self.roles_total else 1.0

    def figures(self) -> dict[str, float]:
        """The figures compared with `TARGETS`."""
        return {"topic_recall": self.scores["topic"].recall, "topic_precision": self.scores["topic"].precision,
                "actors_f1": self.scores["actors"].f1, "roles_accuracy": self.roles_accuracy,
                "commitments_f1": self.scores["commitments"].f1}

    def failures(self) -> list[str]:
        """Targets not met, as readable lines."""
        return [f"{k} = {v:.3f} < {TARGETS[k]:.2f}" for k, v in self.figures().items() if v < TARGETS[k]]


def load_devset(path: str | Path) -> list[dict[str, Any]]:
    """Read the JSONL development set: one object with `id` and `text` a line. Raises
    OSError when the file cannot be read, ValueError (in French, with the line number)
    when a line is not such an object."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise ValueError("fichier non UTF-8") from None
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"ligne {number} : JSON invalide ({exc})") from None
        if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("text"), str):
            raise ValueError(f"ligne {number} : objet avec « id » et « text » attendu")
        items.append(item)
    return items


def norm(text: str) -> str:
    """Mention text for comparison: folded, without leading determiner or civility."""
    return _LEADING.sub("", fold(" ".join(text.split()))).strip(" ,.;:")


def same_id(gold: str | None, predicted: str | None) -> bool:
    """Ids agree, or both are roles left unresolved."""
    if gold == predicted:
        return True
    return bool(gold and predicted and gold.startswith("role:") and predicted.startswith("role:"))


def _match(gold: list, predicted: list, equal) -> tuple[list, list, list]:
    left = list(predicted)
    hits, misses = [], []
    for g in gold:
        found = next((p for p in left if equal(g, p)), None)
        if found is None:
            misses.append(g)
        else:
            left.remove(found)
            hits.append((g, found))
    return hits, misses, left


def _commitment_equal(g: dict, p: dict) -> bool:
    amount_ok = (g.get("amount") is None and p["amount"] is None) or (
        g.get("amount") is not None and p["amount"] is not None and abs(g["amount"] - p["amount"]) < 0.5)
    return (g["kind"] == p["kind"] and same_id(g.get("actor"), p["actor"]) and amount_ok
            and g.get("deadline") == p["deadline"])


def evaluate(items: Iterable[dict[str, Any]], nlp: Language, reference: Reference, topic: TopicMatcher) -> Report:
    """Run the NLP stage on every item and score it against the gold annotations."""
    items = list(items)
    report = Report(scores={k: Score() for k in ("topic", "actors", "actors:person", "actors:organisation",
                                                 "actors:role", "commitments", "commitments:commitment",
                                                 "commitments:announcement", "commitments:demand",
                                                 "commitments:refusal")}, items=len(items))
    results = extract(((i["text"], i.get("date"), i["id"]) for i in items), nlp, reference, topic)
    for item, found in zip(items, results):
        _score_topic(item, topic, report)
        _score_actors(item, found, report)
        _score_commitments(item, found, report)
    return report


def _score_topic(item: dict, topic: TopicMatcher, report: Report) -> None:
    predicted = Counter(norm(m.matched) for m in topic.find(item["text"]) if m.strength == "strong")
    gold = Counter(norm(t) for t in item.get("topic", []))
    score = report.scores["topic"]
    score.tp += sum((predicted & gold).values())
    score.fp += sum((predicted - gold).values())
    score.fn += sum((gold - predicted).values())
    for text in (predicted - gold):
        report.errors.append(f"[{item['id']}] sujet en trop : {text}")
    for text in (gold - predicted):
        report.errors.append(f"[{item['id']}] sujet manqué : {text}")


def _kind_of(actor_id: str) -> str:
    if actor_id.startswith("role:"):
        return "role"
    return "person" if actor_id.startswith(("PA", "person:")) else "organisation"


def _count(score: Score, hits: list, misses: list, extra: list) -> None:
    score.tp += len(hits)
    score.fn += len(misses)
    score.fp += len(extra)


def _score_actors(item: dict, annotations, report: Report) -> None:
    predicted = [(norm(m.text), m.actor_id) for m in annotations.actor_mentions]
    gold = [(norm(a[0]), a[1]) for a in item.get("actors", [])]
    hits, misses, extra = _match(gold, predicted, lambda g, p: g[0] == p[0] and same_id(g[1], p[1]))
    _count(report.scores["actors"], hits, misses, extra)
    for g, _ in hits:
        report.scores[f"actors:{_kind_of(g[1])}"].tp += 1
    for g in misses:
        report.scores[f"actors:{_kind_of(g[1])}"].fn += 1
        found = next((p for p in predicted if p[0] == g[0]), None)
        detail = f" (trouvé {found[1]})" if found else ""
        report.errors.append(f"[{item['id']}] acteur manqué : {g[0]} → {g[1]}{detail}")
    for p in extra:
        report.scores[f"actors:{_kind_of(p[1])}"].fp += 1
        report.errors.append(f"[{item['id']}] acteur en trop : {p[0]} → {p[1]}")
    for a in item.get("actors", []):
        if len(a) > 2 and a[2] == "role":
            report.roles_total += 1
            same_text = [m for m in annotations.actor_mentions if norm(m.text) == norm(a[0])]
            if same_text and same_id(a[1], same_text[0].actor_id):
                report.roles_correct += 1
            else:
                got = f"{same_text[0].actor_id} ({same_text[0].rule})" if same_text else "non trouvé"
                report.errors.append(f"[{item['id']}] rôle mal résolu : {a[0]} → attendu {a[1]}, obtenu {got}")


def _score_commitments(item: dict, annotations, report: Report) -> None:
    predicted = [{"kind": c.kind, "actor": c.actor_id, "amount": c.amount_eur, "deadline": c.deadline}
                 for c in annotations.commitments]
    gold = item.get("commitments", [])
    hits, misses, extra = _match(gold, predicted, _commitment_equal)
    _count(report.scores["commitments"], hits, misses, extra)
    for g, _ in hits:
        report.scores[f"commitments:{g['kind']}"].tp += 1
    for g in misses:
        report.scores[f"commitments:{g['kind']}"].fn += 1
        report.errors.append(f"[{item['id']}] engagement manqué : {_show(g)} ; obtenu : "
                             f"{'; '.join(_show(p) for p in predicted) or 'rien'}")
    for p in extra:
        report.scores[f"commitments:{p['kind']}"].fp += 1
        if not any(_show(p) in e for e in report.errors[-3:]):
            report.errors.append(f"[{item['id']}] engagement en trop : {_show(p)}")


def _show(c: dict) -> str:
    return f"{c['kind']}/{c.get('actor')}/{c.get('amount')}/{c.get('deadline')}"


def format_report(report: Report, show_errors: bool = True) -> str:
    """The report as French text: one line per label, the targets, then the errors."""
    lines = [f"Évaluation sur {report.items} phrases annotées", "",
             f"{'étiquette':28} {'précision':>9} {'rappel':>7} {'F1':>6} {'VP':>4} {'FP':>4} {'FN':>4}"]
    for label, s in report.scores.items():
        lines.append(f"{label:28} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.tp:4d} {s.fp:4d} {s.fn:4d}")
    lines.append(f"{'résolution des rôles':28} exactitude {report.roles_accuracy:.3f} "
                 f"({report.roles_correct}/{report.roles_total})")
    lines.append("")
    for key, value in report.figures().items():
        verdict = "atteint" if value >= TARGETS[key] else "NON ATTEINT"
        lines.append(f"objectif {key} ≥ {TARGETS[key]:.2f} : {value:.3f} ({verdict})")
    if show_errors and report.errors:
        lines += ["", f"Erreurs ({len(report.errors)}) :"] + [f"  {e}" for e in report.errors]
    return "\n".join(lines)
