"""The site's charts: stacked bars as inline SVG (no JavaScript, escaped labels), drawn from
the rows of the `mentions_par_semaine` named query or rows of the same shape. The time axis
is continuous: a week (or month) without documents is drawn as zero, never skipped, and the
tick labels carry the year when it starts or changes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from markupsafe import Markup, escape

from pipelines.labels import KIND_LABELS, SHORT_MONTHS, french_date, french_month

CHART_COLORS = ["#1f5f99", "#b0601a", "#2f7a4d", "#a23b72", "#6b5b95", "#6f6f1f", "#b03a2e", "#555"]


def continuous_periods(periods: list[str], monthly: bool = False, first: str | None = None,
                       last: str | None = None) -> list[str]:
    """Every Monday (or first of the month) from the first to the last period given (or
    `first`/`last` when set), as ISO dates: the gaps are filled."""
    days = sorted(date.fromisoformat(p) for p in periods if p)
    if first:
        days.insert(0, date.fromisoformat(first))
    if last:
        days.append(date.fromisoformat(last))
    if not days:
        return []
    start, end = min(days), max(days)
    out = []
    if monthly:
        current = start.replace(day=1)
        while current <= end:
            out.append(current.isoformat())
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out
    current = start - timedelta(days=start.weekday())
    while current <= end:
        out.append(current.isoformat())
        current += timedelta(days=7)
    return out


def tick_labels(periods: list[str], monthly: bool = False, every: int = 1) -> dict[int, str]:
    """{index: label} of the ticks: one period in `every`, "26 janv." (or "janv." for
    months), with the year on the first tick and whenever it changes."""
    labels: dict[int, str] = {}
    year = None
    for i, period in enumerate(periods):
        if i % every:
            continue
        day = date.fromisoformat(period)
        text = SHORT_MONTHS[day.month - 1] if monthly else f"{day.day} {SHORT_MONTHS[day.month - 1]}"
        if day.year != year:
            text += f" {day.year}"
            year = day.year
        labels[i] = text
    return labels


def weekly_chart_svg(rows: list[dict], width: int = 560, height: int = 230,
                     title: str = "Documents citant les SEC-Pa, par semaine et par type",
                     period: str = "Semaine du {day}", monthly: bool = False,
                     first: str | None = None, last: str | None = None) -> Markup:
    """A stacked bar chart (inline SVG) of documents per week and kind, from the rows of the
    `mentions_par_semaine` query ({semaine, type, documents}); weeks without documents are
    drawn (as zero) between the first and the last (or `first` and `last`)."""
    if not rows:
        return Markup('<p class="chart-empty">Pas encore de document sur la période.</p>')
    periods = continuous_periods([r["semaine"] for r in rows if r["semaine"]], monthly, first, last)
    kinds = list(dict.fromkeys(r["type"] for r in rows))
    kinds.sort(key=lambda k: -sum(r["documents"] for r in rows if r["type"] == k))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        if r["semaine"]:
            key = r["semaine"][:8] + "01" if monthly else r["semaine"]
            counts[key][r["type"]] = counts[key].get(r["type"], 0) + r["documents"]
    top = max((sum(c.values()) for c in counts.values()), default=0) or 1
    left, bottom, plot_h = 34, 56, height - 76
    step = (width - left - 10) / max(len(periods), 1)
    bar = max(min(step * 0.75, 40), 1.5)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="chart-title">'
             f'<title id="chart-title">{escape(title)}</title>']
    for tick in sorted({0, top // 2, top}):
        y = 10 + plot_h - tick / top * plot_h
        parts.append(f'<line x1="{left}" x2="{width - 5}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{tick}</text>')
    every = max(1, -(-len(periods) // 6))
    ticks = tick_labels(periods, monthly, every)
    for i, week in enumerate(periods):
        x = left + i * step + (step - bar) / 2
        y = 10 + plot_h
        total = 0
        for kind in kinds:
            n = counts.get(week, {}).get(kind, 0)
            if not n:
                continue
            total += n
            h = n / top * plot_h
            y -= h
            color = CHART_COLORS[kinds.index(kind) % len(CHART_COLORS)]
            label = f"{period.format(day=french_date(week), month=french_month(week))} : {n} {KIND_LABELS.get(kind, kind)}"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
                         f'<title>{escape(label)}</title></rect>')
        if i in ticks:
            parts.append(f'<line x1="{x + bar / 2:.1f}" x2="{x + bar / 2:.1f}" y1="{10 + plot_h}" y2="{14 + plot_h}" '
                         f'class="tick"/><text x="{x + bar / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                         f'class="axis">{escape(ticks[i])}</text>')
    x = left
    for i, kind in enumerate(kinds):
        color = CHART_COLORS[i % len(CHART_COLORS)]
        label = escape(KIND_LABELS.get(kind, kind))
        parts.append(f'<rect x="{x}" y="{height - 18}" width="12" height="12" fill="{color}"/>'
                     f'<text x="{x + 16}" y="{height - 8}" class="legend">{label}</text>')
        x += 34 + 8 * len(str(label))
    parts.append("</svg>")
    return Markup("".join(parts))


def monthly_chart_svg(rows: list[dict]) -> Markup:
    """The smaller chart of an actor page: documents citing the actor per month
    (rows {semaine: first day of the month, type, documents}), months without any drawn."""
    return weekly_chart_svg(rows, height=190, title="Documents citant cet acteur, par mois", period="{month}",
                            monthly=True)
