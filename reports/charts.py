"""Chart geometry for server-rendered SVG: no JavaScript, no CDN, prints as it shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    series: str
    url: str


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def grouped_bars(buckets: list[dict], series: list[tuple[str, str]], *, width: int = 720,
                 height: int = 240, url=None) -> dict:
    """Bars per bucket (``label`` + one value per series key), with y-axis ticks.

    ``url(bucket, key)`` gives each bar's drill-down link.
    """
    left, bottom, top_pad = 48, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    peak = _nice_max(max((b[k] for b in buckets for k, _ in series), default=0))
    group_w = plot_w / max(len(buckets), 1)
    bar_w = max(min(group_w * 0.8 / len(series), 40), 2)
    bars, labels = [], []
    for i, bucket in enumerate(buckets):
        x0 = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, (key, name) in enumerate(series):
            h = plot_h * bucket[key] / peak if peak else 0
            bars.append(Bar(round(x0 + j * bar_w, 1), round(top_pad + plot_h - h, 1),
                            round(bar_w - 1, 1), round(h, 1), bucket[key],
                            f'{name} {bucket["label"]}',
                            key, url(bucket, key) if url else ""))
        labels.append({"x": round(left + i * group_w + group_w / 2, 1), "text": bucket["label"]})
    every = max(1, len(labels) // 12)
    ticks = [{"y": round(top_pad + plot_h - plot_h * k / 4, 1), "value": int(peak * k / 4)}
             for k in range(5)]
    return {"width": width, "height": height, "bars": bars,
            "labels": labels[::every], "ticks": ticks, "left": left,
            "baseline": top_pad + plot_h, "right": width - 8, "series": series}
