"""crawler/svg.py: the report page's bar charts, read back as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from crawler import svg
from crawler.svg import Group, Series

A = Series("a", "series a", "#111111")
B = Series("b", "series <b>", "#222222")
PLOT_HEIGHT = svg.HEIGHT - svg.TOP - svg.BOTTOM


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def groups_of(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter("g") if "bar-group" in g.get("class", "").split()]


def value_rects(group: ET.Element) -> list[ET.Element]:
    return [r for r in group.iter("rect") if r.get("class") != "hit"]


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),  # nothing to show: still an axis
        (-3, [0, 1]),
        (float("nan"), [0, 1]),
        (1, [0, 0.5, 1]),  # a quarter is no 1-2-5 step: half is
        (4, [0, 1, 2, 3, 4]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 5, 10]),
        (11, [0, 5, 10, 15]),
        (205, [0, 100, 200, 300]),
        (1000, [0, 500, 1000]),
    ],
)
def test_nice_ticks_are_round_and_reach_the_top(top: float, ticks: list[float]) -> None:
    assert svg.nice_ticks(top) == ticks


def test_stacked_bars_one_group_per_key_in_order_with_its_title() -> None:
    groups = [Group(f"2025-{m:02d}", {"a": m, "b": 1}, f"month {m}") for m in range(1, 13)]
    root = parse(svg.stacked_bars(groups, [A, B], label="per month"))
    found = groups_of(root)
    assert [g.get("data-key") for g in found] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert [g.find("title").text for g in found] == [f"month {m}" for m in range(1, 13)]
    assert root.get("aria-label") == "per month" and root.find("title").text == "per month"


def test_stacked_heights_are_proportional_and_stack_upwards() -> None:
    # Top of the axis: nice_ticks(10) ends at 10, so 10 units fill the plot.
    groups = [Group("x", {"a": 6, "b": 4}, "x"), Group("y", {"a": 5}, "y")]
    root = parse(svg.stacked_bars(groups, [A, B], label="l"))
    x, y = groups_of(root)
    a, b = value_rects(x)
    assert float(a.get("height")) == pytest.approx(PLOT_HEIGHT * 0.6, abs=0.01)
    assert float(b.get("height")) == pytest.approx(PLOT_HEIGHT * 0.4, abs=0.01)
    # b sits on top of a: its bottom is a's top
    assert float(b.get("y")) + float(b.get("height")) == pytest.approx(float(a.get("y")), abs=0.01)
    assert [r.get("class") for r in value_rects(y)] == ["s-a"]  # a zero value draws nothing
    assert a.get("fill") == "#111111"


def test_percent_bars_fill_the_plot_and_an_empty_group_stays_empty() -> None:
    groups = [Group("x", {"a": 1, "b": 3}, "x"), Group("empty", {}, "nothing")]
    root = parse(svg.stacked_bars(groups, [A, B], label="l", percent=True))
    x, empty = groups_of(root)
    heights = [float(r.get("height")) for r in value_rects(x)]
    assert heights == pytest.approx([PLOT_HEIGHT / 4, PLOT_HEIGHT * 3 / 4], abs=0.01)
    assert value_rects(empty) == []
    assert "100 %" in [t.text for t in root.iter("text")]


def test_a_marked_group_has_its_class_and_a_marker() -> None:
    groups = [Group("a", {"a": 1}, "a"), Group("gap", {}, "gap", marked=True, classes=("month",))]
    root = parse(svg.stacked_bars(groups, [A], label="l"))
    plain, gap = groups_of(root)
    assert gap.get("class").split() == ["bar-group", "marked", "month"]
    assert [p.get("class") for p in gap.iter("path")] == ["marker"]
    assert list(plain.iter("path")) == []


def test_text_is_escaped() -> None:
    groups = [Group('k"<', {"a": 1}, "<script>alert(1)</script> & co")]
    markup = str(svg.stacked_bars(groups, [A, B], label='a "label" <x>', x_labels={0: "<y>"}))
    assert "<script>" not in markup and "<x>" not in markup and "<y>" not in markup
    root = parse(markup)  # still well-formed
    assert groups_of(root)[0].find("title").text == "<script>alert(1)</script> & co"
    assert groups_of(root)[0].get("data-key") == 'k"<'


def test_grouped_bars_stand_side_by_side_against_shares() -> None:
    groups = [Group("E3", {"a": 0.5, "b": 1.0}, "E3"), Group("E4", {"a": 0.25}, "E4")]
    root = parse(svg.grouped_bars(groups, [A, B], label="l", percent=True))
    e3, e4 = groups_of(root)
    a, b = value_rects(e3)
    assert float(a.get("x")) + float(a.get("width")) == pytest.approx(float(b.get("x")), abs=0.01)
    assert float(b.get("height")) == pytest.approx(PLOT_HEIGHT, abs=0.01)
    assert float(a.get("height")) == pytest.approx(PLOT_HEIGHT / 2, abs=0.01)
    assert len(value_rects(e4)) == 1


def test_many_groups_fit_the_plot_and_few_are_not_slabs() -> None:
    many = [Group(str(i), {"a": 1}, str(i)) for i in range(250)]  # 20 years of months
    rects = [value_rects(g)[0] for g in groups_of(parse(svg.stacked_bars(many, [A], label="l")))]
    right = max(float(r.get("x")) + float(r.get("width")) for r in rects)
    assert right <= svg.WIDTH - svg.RIGHT + 0.01
    assert min(float(r.get("x")) for r in rects) >= svg.LEFT
    few = parse(svg.stacked_bars([Group("x", {"a": 1}, "x")], [A], label="l"))
    assert float(value_rects(groups_of(few)[0])[0].get("width")) <= svg.MAX_BAR


def test_x_labels_fall_under_their_groups() -> None:
    groups = [Group(str(i), {"a": 1}, str(i)) for i in range(24)]
    labels_at = {0: "2025", 12: "2026", 99: "x"}
    root = parse(svg.stacked_bars(groups, [A], label="l", x_labels=labels_at))
    labels = [t.text for t in root.iter("text") if t.get("class") == "x-label"]
    assert labels == ["2025", "2026"]


def test_category_labels_sit_under_the_middle_of_their_group() -> None:
    groups = [Group("E3", {"a": 0.5}, "E3"), Group("E4", {"a": 0.5}, "E4")]
    root = parse(svg.grouped_bars(groups, [A], label="l", x_labels={0: "E3", 1: "E4"},
                                  percent=True, centre_labels=True))
    labels = [t for t in root.iter("text") if t.get("class") == "x-label"]
    slot = (svg.WIDTH - svg.LEFT - svg.RIGHT) / 2
    assert [float(t.get("x")) for t in labels] == pytest.approx(
        [svg.LEFT + slot / 2, svg.LEFT + 1.5 * slot], abs=0.1)
    assert {t.get("text-anchor") for t in labels} == {"middle"}
