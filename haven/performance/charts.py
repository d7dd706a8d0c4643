"""A measure's trend as a line chart: SVG drawn on the server by pygal, with no script and no
inline style (the Content-Security-Policy allows neither), so it works without JavaScript.

pygal writes a ``<style>`` block, a ``<script>`` with its configuration, tooltips for its
script, ``style`` attributes and fixed ids; all are removed here and the chart is styled by
``performance/charts.css`` through pygal's classes. What is left is plain SVG: a title and a
description (the text alternative; the table with the same numbers stays on the page), one
line for the measure, a dashed line for each reference (England, a local target), and each
point a link, named for screen readers and titled for a hover, to the children behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pygal
from django.utils.safestring import SafeString, mark_safe
from lxml import etree

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
WIDTH, HEIGHT = 480, 260


@dataclass(frozen=True)
class Point:
    label: str  # on the x axis: "Apr"
    period: str  # for people: "April 2019"
    value: float | None  # None: no figure (a rate with nothing to divide by)
    shown: str  # as the table shows it: "1,204", "33.3%"
    href: str  # the list of the children behind the figure


@dataclass(frozen=True)
class Line:
    """A reference drawn across the chart: the England figure or a local target."""

    label: str  # "England: 22.5%"
    value: float


def _no_style_or_script(root: etree._Element) -> None:
    for element in list(root.iter(f"{{{SVG}}}style", f"{{{SVG}}}script", etree.Comment)):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.attrib.pop("style", None)
        element.attrib.pop("id", None)  # pygal's ids repeat in every chart on a page
    # The tooltip layer and the descriptions pygal's script reads: without the script they
    # are noise to a screen reader.
    for group in root.iter(f"{{{SVG}}}g"):
        if "tooltip-overlay" in group.get("class", ""):
            group.getparent().remove(group)  # type: ignore[union-attr]
            break
    for desc in list(root.iter(f"{{{SVG}}}desc")):
        desc.getparent().remove(desc)  # type: ignore[union-attr]
    for defs in list(root.iter(f"{{{SVG}}}defs")):
        if len(defs) == 0:
            defs.getparent().remove(defs)  # type: ignore[union-attr]


def _name_links(root: etree._Element, points: tuple[Point, ...], title: str) -> None:
    """Each point's link gets a name (screen readers) and a title (a tooltip on hover)."""
    by_href = {p.href: p for p in points if p.value is not None}
    for link in root.iter(f"{{{SVG}}}a"):
        # SVG 2's plain href: browsers make it a link (focusable, in the accessibility tree).
        href = link.attrib.pop(f"{{{XLINK}}}href", "")
        link.set("href", href)
        point = by_href.get(href)
        if point is None:
            continue
        words = f"{title}, {point.period}: {point.shown}"
        link.set("aria-label", f"{words} (list the children)")
        link.set("class", "haven-chart__point")
        tip = etree.SubElement(link, f"{{{SVG}}}title")
        tip.text = words
        link.insert(0, tip)


def _y_labels(kind: str, points: tuple[Point, ...], lines: tuple[Line, ...]) -> list[float]:
    """A percentage from 0 to 100; a count in whole numbers; a rate as pygal chooses."""
    if kind == "percent":
        return [0, 20, 40, 60, 80, 100]
    top = max([p.value or 0 for p in points] + [line.value for line in lines] + [1])
    if kind == "count":
        step = max(1, math.ceil(top / 5))
        return list(range(0, step * math.ceil(top / step) + 1, step))
    return []


@lru_cache(maxsize=512)
def line_chart(
    *,
    key: str,
    title: str,
    description: str,
    points: tuple[Point, ...],
    lines: tuple[Line, ...],
    kind: str = "count",
) -> SafeString:
    """The SVG for one measure (``kind``: "count", "percent" or "rate"); the same figures give
    the same chart, so it is kept."""
    y_labels = _y_labels(kind, points, lines)
    chart = pygal.Line(
        width=WIDTH,
        height=HEIGHT,
        explicit_size=False,
        js=[],
        css=[],
        no_prefix=True,
        disable_xml_declaration=True,
        show_legend=bool(lines),
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        show_y_guides=True,
        include_x_axis=True,
        min_scale=3,
        max_scale=6,
        margin=8,
        truncate_legend=-1,
        value_formatter=lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}",
        classes=["pygal-chart", "haven-chart__svg"],
    )
    chart.x_labels = [p.label for p in points]
    if y_labels:
        chart.y_labels = y_labels
        chart.range = (0, y_labels[-1])
    chart.add(
        title,
        [
            {"value": p.value, "xlink": {"href": p.href}} if p.value is not None else None
            for p in points
        ],
    )
    for line in lines:
        chart.add(line.label, [line.value] * len(points), show_dots=False, stroke_style=None)
    root = etree.fromstring(chart.render(is_unicode=True).encode())
    _no_style_or_script(root)
    _name_links(root, points, title)
    # The text alternative: the first title and a description, named by aria-labelledby.
    for old in root.findall(f"{{{SVG}}}title"):
        root.remove(old)
    svg_title = etree.Element(f"{{{SVG}}}title", id=f"chart-{key}-title")
    svg_title.text = title
    svg_desc = etree.Element(f"{{{SVG}}}desc", id=f"chart-{key}-desc")
    svg_desc.text = description
    root.insert(0, svg_desc)
    root.insert(0, svg_title)
    root.set("role", "group")
    root.set("aria-labelledby", f"chart-{key}-title chart-{key}-desc")
    root.set("focusable", "false")
    # lxml escaped every text and attribute it wrote.
    return mark_safe(etree.tostring(root, encoding="unicode"))
