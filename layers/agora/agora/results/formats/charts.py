"""Inline SVG charts for the offline report: no script, no font or file to fetch.

Each chart is an accessible image (role="img", a title and a description); the report puts a
table with the same figures next to it. Every text that reaches the markup is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    colour: str
    label: str  # shown as the point's tooltip
    short: str = ""  # written beside the point when given


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[tuple[float, str, str], ...]  # (value, colour, name) side by side, or stacked


def _frame(title: str, description: str, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" width="100%" style="max-width:{WIDTH}px">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def _axis_label(x: float, y: float, text: str, anchor: str = "middle", rotate: bool = False) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="12" text-anchor="{anchor}"{turn}>{escape(text)}</text>'


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / count
    return [low + i * step for i in range(count + 1)]


def scatter(
    points: Sequence[Point], x_range: tuple[float, float], y_range: tuple[float, float], x_label: str, y_label: str,
    title: str, description: str, x_format: Callable[[float], str] = lambda t: f"{t:.1f}",
) -> str:
    (x0, x1), (y0, y1) = x_range, y_range
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return TOP + plot_h - (y - y0) / (y1 - y0) * plot_h

    body = [f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']
    for t in _ticks(x0, x1):
        body.append(_axis_label(px(t), HEIGHT - BOTTOM + 16, x_format(t)))
    for t in _ticks(y0, y1):
        body.append(_axis_label(LEFT - 6, py(t) + 4, f"{t:.2f}", anchor="end"))
    body.append(_axis_label(LEFT + plot_w / 2, HEIGHT - 6, x_label))
    body.append(_axis_label(14, TOP + plot_h / 2, y_label, rotate=True))
    for p in points:
        body.append(
            f'<circle cx="{px(p.x):.1f}" cy="{py(p.y):.1f}" r="3" fill="{p.colour}" fill-opacity="0.7">'
            f"<title>{escape(p.label)}</title></circle>"
        )
        if p.short:  # on the side with room, so a label never leaves the frame
            right = px(p.x) < LEFT + plot_w * 0.6
            x = px(p.x) + (6 if right else -6)
            body.append(_axis_label(x, py(p.y) - 5, p.short, anchor="start" if right else "end"))
    return _frame(title, description, HEIGHT, body)


def bars(rows: Sequence[Bar], stacked: bool, title: str, description: str, shown: Callable[[float], str]) -> str:
    """Horizontal bars, one row per label: parts side by side (grouped) or end to end (stacked),
    scaled to the longest, each labelled with its value (stacked: the row's total)."""
    label_w, row_h, value_w = 150, 30, 90
    plot_w = WIDTH - label_w - RIGHT - value_w
    height = TOP + len(rows) * row_h + 8
    scale = max([sum(v for v, _, _ in r.parts) if stacked else max((v for v, _, _ in r.parts), default=0) for r in rows] + [1e-12])
    body = []
    for i, row in enumerate(rows):
        y = TOP + i * row_h
        body.append(_axis_label(label_w - 8, y + row_h / 2 + 4, row.label, anchor="end"))
        x, thickness = float(label_w), (row_h - 8) / (1 if stacked else max(len(row.parts), 1))
        for j, (value, colour, name) in enumerate(row.parts):
            length = max(value, 0) / scale * plot_w
            top = y + 4 + (0 if stacked else j * thickness)
            body.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{length:.1f}" height="{thickness:.1f}" fill="{colour}">'
                f"<title>{escape(f'{row.label} — {name}: {shown(value)}')}</title></rect>"
            )
            if stacked:
                x += length
            else:
                body.append(f'<text x="{x + length + 4:.1f}" y="{top + thickness - 2:.1f}" font-size="10">{escape(shown(value))}</text>')
        if stacked:
            total = sum(v for v, _, _ in row.parts)
            body.append(f'<text x="{x + 4:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="11">{escape(shown(total))}</text>')
    return _frame(title, description, height, body)


def lines(
    series: Sequence[tuple[str, str, Sequence[float]]], title: str, description: str, axis: str, number: Callable[[int], str]
) -> str:
    """Series over the same snapshots (x = snapshot order), each scaled to its own maximum."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    body = [f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']
    for i, (name, colour, values) in enumerate(series):
        top = max(max(values, default=0), 1)
        steps = max(len(values) - 1, 1)
        points = [(LEFT + j / steps * plot_w, TOP + plot_h - v / top * plot_h) for j, v in enumerate(values)]
        body.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        # Dots while they stay readable: a single snapshot is a point, not an invisible line.
        if len(points) <= 60:
            body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points)
        body.append(
            f'<text x="{LEFT + 8}" y="{TOP + 16 + 16 * i}" font-size="12" fill="{colour}">{escape(f"{name} (max {number(int(top))})")}</text>'
        )
    body.append(_axis_label(LEFT + plot_w / 2, HEIGHT - 6, axis))
    return _frame(title, description, HEIGHT, body)
