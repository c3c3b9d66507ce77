"""Bar charts as inline SVG for the report page (`cri-crawler report`): no browser, no script,
no font or style from elsewhere; the page's CSS may style them by class.

Two shapes cover the page, both drawn by `bars`: `stacked_bars` (one bar a group, its series
stacked; `percent` makes every bar 100 %) and `grouped_bars` (the series side by side in each
group). Every group is one `<g class="bar-group" data-key=...>` holding its `<title>` (the
tooltip, also read by screen readers), a transparent hit area as tall as the plot, and one
`<rect>` per non-zero value; a `marked` group (a likely gap, an unhealthy run) also gets the
class `marked` and a triangle under the axis. Text is escaped; the SVG is returned as
`markupsafe.Markup`, ready for a Jinja template.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 220  # the viewBox: the chart scales to the width of its container
LEFT, RIGHT, TOP, BOTTOM = 46, 6, 8, 30  # room for the y labels and the x labels
PLOT_WIDTH = WIDTH - LEFT - RIGHT
FONT_SIZE = 12
BAR_SHARE = 0.8  # of a group's slot; the rest is the gap between bars
MAX_BAR = 28  # a bar's widest, so that a chart of three groups is not three slabs


@dataclass(frozen=True)
class Series:
    """One kind of value, drawn in one colour (`key` also names its CSS class)."""

    key: str
    label: str
    color: str


@dataclass(frozen=True)
class Group:
    """One bar (or one cluster of bars): the values by series key, and its tooltip."""

    key: str
    values: Mapping[str, float]
    title: str
    marked: bool = False
    classes: tuple[str, ...] = field(default=())


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least `top`: steps of 1, 2 or 5 times a power of ten,
    about `count` of them (0..1 when there is nothing to show)."""
    if not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    steps = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def bars(
    groups: Sequence[Group],
    series: Sequence[Series],
    *,
    stacked: bool,
    label: str,
    x_labels: Mapping[int, str] | None = None,
    percent: bool = False,
    unit: str = "",
    css_class: str = "",
    centre_labels: bool = False,
) -> Markup:
    """`stacked`: one bar a group, its series stacked in the order given; `percent`: each bar
    as shares of its own total (a group without values stays empty). Else the series side by
    side in each group; `percent`: the values are shares (0..1), drawn against a 0-100 % axis.
    `x_labels`: text under the groups at these indices, at the start of the group's slot (say,
    the year at each January), or under its middle with `centre_labels` (one label a group:
    categories)."""
    scale = 100.0 if percent else 1.0
    if stacked:
        top = max((_total(g, series) for g in groups), default=0)
    else:
        top = max((v * scale for g in groups for v in g.values.values()), default=0)
    ticks = [0.0, 25.0, 50.0, 75.0, 100.0] if percent else nice_ticks(top)
    chart = _Frame(len(groups), ticks[-1])
    parts = chart.axes(ticks, "%" if percent else unit, x_labels or {}, centre_labels)
    for i, group in enumerate(groups):
        if stacked:
            rects = chart.stack(i, group, series, percent)
        else:
            rects = chart.side_by_side(i, group, series, scale)
        parts.append(chart.group(i, group, rects))
    return _svg(label, parts, css_class)


stacked_bars = partial(bars, stacked=True)
grouped_bars = partial(bars, stacked=False)


def _total(group: Group, series: Sequence[Series]) -> float:
    return sum(max(0.0, group.values.get(s.key, 0.0)) for s in series)


class _Frame:
    """The plot area: where group `i` goes, and where a value is on the y axis."""

    def __init__(self, n: int, top: float) -> None:
        self.n = max(1, n)
        self.top = top or 1.0
        self.plot_width = PLOT_WIDTH
        self.plot_height = HEIGHT - TOP - BOTTOM
        self.slot = self.plot_width / self.n

    def y(self, value: float) -> float:
        return TOP + self.plot_height * (1 - value / self.top)

    def h(self, value: float) -> float:
        return self.plot_height * value / self.top

    def bar(self, i: int, bars: int = 1) -> tuple[float, float]:
        """Where group `i`'s bars start, and their width together (`bars` side by side)."""
        width = min(max(self.slot * BAR_SHARE, min(self.slot, 1.0)), MAX_BAR * bars)
        return LEFT + i * self.slot + (self.slot - width) / 2, width

    def stack(self, i: int, group: Group, series: Sequence[Series], percent: bool) -> list[str]:
        """Group `i` as one bar, its series stacked (as shares of its total with `percent`)."""
        x, width = self.bar(i)
        total = _total(group, series)
        rects = []
        base = 0.0
        for s in series:
            value = max(0.0, group.values.get(s.key, 0.0))
            if value <= 0:
                continue
            shown = 100.0 * value / total if percent else value
            rects.append(_rect(x, self.y(base + shown), width, self.h(shown), s))
            base += shown
        return rects

    def side_by_side(
        self, i: int, group: Group, series: Sequence[Series], scale: float
    ) -> list[str]:
        """Group `i` as one bar a series, side by side, each value times `scale`."""
        x, width = self.bar(i, max(1, len(series)))
        each = width / max(1, len(series))
        rects = []
        for k, s in enumerate(series):
            value = max(0.0, group.values.get(s.key, 0.0)) * scale
            if value > 0:
                rects.append(_rect(x + k * each, self.y(value), each, self.h(value), s))
        return rects

    def axes(
        self, ticks: Sequence[float], unit: str, x_labels: Mapping[int, str], centre: bool
    ) -> list[str]:
        parts = []
        for tick in ticks:
            y = self.y(tick)
            parts.append(
                f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="#ccc" stroke-width="0.5"/>'
                f'<text class="tick" x="{LEFT - 4}" y="{y + FONT_SIZE / 3:.1f}" '
                f'text-anchor="end" font-size="{FONT_SIZE}">{escape(_tick(tick, unit))}</text>'
            )
        base = TOP + self.plot_height
        for i, text in sorted(x_labels.items()):
            if 0 <= i < self.n:
                x = LEFT + (i + 0.5) * self.slot if centre else LEFT + i * self.slot
                anchor = ' text-anchor="middle"' if centre else ""
                parts.append(
                    f'<line class="tick-mark" x1="{x:.1f}" x2="{x:.1f}" y1="{base:.1f}" '
                    f'y2="{base + 4:.1f}" stroke="#888" stroke-width="0.5"/>'
                    f'<text class="x-label" x="{x + (0 if centre else 1):.1f}" '
                    f'y="{base + 4 + FONT_SIZE:.1f}" font-size="{FONT_SIZE}"{anchor}>'
                    f"{escape(text)}</text>"
                )
        parts.append(
            f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base:.1f}" '
            f'y2="{base:.1f}" stroke="#666" stroke-width="0.8"/>'
        )
        return parts

    def group(self, i: int, group: Group, rects: list[str]) -> str:
        classes = " ".join(("bar-group", *(("marked",) if group.marked else ()), *group.classes))
        x0 = LEFT + i * self.slot
        hit_fill = "#d55e00" if group.marked else "transparent"
        hit_opacity = ' fill-opacity="0.12"' if group.marked else ""
        out = [
            f'<g class="{escape(classes)}" data-key="{escape(group.key)}">',
            f"<title>{escape(group.title)}</title>",
            f'<rect class="hit" x="{x0:.2f}" y="{TOP}" width="{self.slot:.2f}" '
            f'height="{self.plot_height:.1f}" fill="{hit_fill}"{hit_opacity}/>',
            *rects,
        ]
        if group.marked:
            cx, y = x0 + self.slot / 2, TOP + self.plot_height + 1
            out.append(
                f'<path class="marker" d="M{cx:.1f} {y:.1f} l4 7 h-8 z" fill="#d55e00"/>'
            )
        out.append("</g>")
        return "".join(out)


def _rect(x: float, y: float, width: float, height: float, s: Series) -> str:
    return (
        f'<rect class="s-{escape(s.key)}" x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" '
        f'height="{height:.2f}" fill="{escape(s.color)}"/>'
    )


def _tick(value: float, unit: str) -> str:
    text = f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}".rstrip()


def _svg(label: str, parts: list[str], css_class: str) -> Markup:
    classes = f"chart {css_class}".strip()
    return Markup(
        f'<svg class="{escape(classes)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" '
        f'font-family="system-ui, sans-serif"><title>{escape(label)}</title>'
        + "".join(parts)
        + "</svg>"
    )
