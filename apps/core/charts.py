"""Light SVG charts for reports: the numbers are laid out here, drawn by a template."""

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
PLOT_WIDTH = 320


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float
    text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + 70


def bar_chart(
    title: str, items: list[tuple[str, float]], *, maximum: float | None = None, unit: str = ""
) -> BarChart:
    """Horizontal bars, one per (label, value); `maximum` fixes the scale (e.g. 100 for %)."""
    top = maximum or max((v for _, v in items), default=0) or 1
    bars = [
        Bar(
            label=label[:40],
            value=value,
            y=i * (BAR_HEIGHT + GAP),
            width=round(PLOT_WIDTH * max(value, 0) / top, 1),
            text=f"{value:g}{unit}",
        )
        for i, (label, value) in enumerate(items)
    ]
    return BarChart(title=title, bars=bars, height=max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT))


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    series: int


@dataclass(frozen=True)
class ScatterChart:
    title: str
    x_label: str
    y_label: str
    points: list[Point]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    legend: list[tuple[int, str]]
    width: int = 640
    height: int = 360
    left: int = 64
    bottom: int = 40


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / count or 1
    return [low + i * step for i in range(count + 1)]


def scatter_chart(
    title: str, x_label: str, y_label: str, series: list[tuple[str, list[tuple[float, float]]]]
) -> ScatterChart:
    """Points in plot coordinates (SVG y grows downwards), with ticks and a legend."""
    values = [(x, y) for _, pts in series for x, y in pts]
    width, height, left, bottom, top, right = 640, 360, 64, 40, 28, 16
    if not values:
        return ScatterChart(title, x_label, y_label, [], [], [], [])
    xs, ys = [v[0] for v in values], [v[1] for v in values]
    x0, x1 = min(xs), max(xs) or 1
    y0, y1 = min(ys), max(ys) or 1
    x1 = x1 if x1 > x0 else x0 + 1
    y1 = y1 if y1 > y0 else y0 + 1

    def px(x):
        return round(left + (x - x0) / (x1 - x0) * (width - left - right), 1)

    def py(y):
        return round(height - bottom - (y - y0) / (y1 - y0) * (height - bottom - top), 1)

    points = [Point(px(x), py(y), index) for index, (_, pts) in enumerate(series) for x, y in pts]
    return ScatterChart(
        title,
        x_label,
        y_label,
        points,
        x_ticks=[(px(t), f"{t:.0f}") for t in _ticks(x0, x1)],
        y_ticks=[(py(t), f"{t:.0f}") for t in _ticks(y0, y1)],
        legend=[(index, name) for index, (name, _) in enumerate(series)],
    )
