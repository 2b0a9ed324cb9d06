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
