"""The site's charts: stacked bars as inline SVG (no JavaScript, escaped labels), drawn from
the rows of the `mentions_par_semaine` named query or rows of the same shape."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from markupsafe import Markup, escape

from pipelines.labels import KIND_LABELS, SHORT_MONTHS, french_date, french_month

CHART_COLORS = ["#1f5f99", "#d9822b", "#3a8f5c", "#a23b72", "#6b5b95", "#8c8c2c", "#c0392b", "#555"]


def weekly_chart_svg(rows: list[dict], width: int = 760, height: int = 220,
                     title: str = "Documents citant les SEC-Pa, par semaine et par type",
                     period: str = "Semaine du {day}") -> Markup:
    """A stacked bar chart (inline SVG) of documents per week and kind, from the rows of the
    `mentions_par_semaine` query ({semaine, type, documents})."""
    if not rows:
        return Markup('<p class="chart-empty">Pas encore de document sur la période.</p>')
    weeks = sorted({r["semaine"] for r in rows if r["semaine"]})
    kinds = list(dict.fromkeys(r["type"] for r in rows))
    kinds.sort(key=lambda k: -sum(r["documents"] for r in rows if r["type"] == k))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        counts[r["semaine"]][r["type"]] = r["documents"]
    top = max(sum(c.values()) for c in counts.values()) or 1
    left, bottom, plot_h = 34, 40, height - 60
    step = (width - left - 10) / max(len(weeks), 1)
    bar = max(min(step * 0.7, 40), 2)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="chart-title">'
             f'<title id="chart-title">{escape(title)}</title>']
    for tick in sorted({0, top // 2, top}):
        y = 10 + plot_h - tick / top * plot_h
        parts.append(f'<line x1="{left}" x2="{width - 5}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{tick}</text>')
    for i, week in enumerate(weeks):
        x = left + i * step + (step - bar) / 2
        y = 10 + plot_h
        for kind in kinds:
            n = counts[week].get(kind, 0)
            if not n:
                continue
            h = n / top * plot_h
            y -= h
            color = CHART_COLORS[kinds.index(kind) % len(CHART_COLORS)]
            label = f"{period.format(day=french_date(week), month=french_month(week))} : {n} {KIND_LABELS.get(kind, kind)}"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
                         f'<title>{escape(label)}</title></rect>')
        if len(weeks) <= 12 or i % max(len(weeks) // 8, 1) == 0:
            day = date.fromisoformat(week)
            tick_label = (f"{SHORT_MONTHS[day.month - 1]} {day.year}" if "{month}" in period
                          else f"{day.day} {SHORT_MONTHS[day.month - 1]}")
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                         f'class="axis">{tick_label}</text>')
    x = left
    for i, kind in enumerate(kinds):
        color = CHART_COLORS[i % len(CHART_COLORS)]
        label = escape(KIND_LABELS.get(kind, kind))
        parts.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14}" y="{height - 5}" class="legend">{label}</text>')
        x += 30 + 7.5 * len(str(label))
    parts.append("</svg>")
    return Markup("".join(parts))


def monthly_chart_svg(rows: list[dict]) -> Markup:
    """The smaller chart of an actor page: documents citing the actor per month
    (rows {semaine: first day of the month, type, documents})."""
    return weekly_chart_svg(rows, height=170, title="Documents citant cet acteur, par mois", period="{month}")
