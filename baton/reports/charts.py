"""The pack's two charts, drawn on the server as PNG with a CJK font.

matplotlib with the Agg backend (no display); the font is any installed one with
Chinese glyphs, preferring Noto Sans CJK SC (Debian's fonts-noto-cjk).
"""

import functools
import io

from baton.core.money import wan_to_yi

PREFERRED = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
PROBE = "截至亿元项目阶段"
NO_FONT = (
    "未找到中文字体，无法生成统计图。请安装中文字体后重试："
    "Debian/Ubuntu 上以 root 运行 apt-get install fonts-noto-cjk（或运行 scripts/bootstrap.sh）。"
)


class ChartFontError(RuntimeError):
    pass


@functools.cache
def cjk_font() -> str:
    """Return the family name of an installed font with Chinese glyphs, or raise."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = font_manager.fontManager.ttflist
    by_name = {f.name: f for f in fonts}
    candidates = [by_name[n] for n in PREFERRED if n in by_name]
    candidates += [f for f in fonts if "CJK" in f.name or "Hei" in f.name or "Song" in f.name]
    for entry in candidates:
        try:
            face = FT2Font(entry.fname)
        except (OSError, RuntimeError):
            continue
        charmap = face.get_charmap()
        if all(ord(ch) in charmap for ch in PROBE):
            return entry.name
    raise ChartFontError(NO_FONT)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot

    pyplot.rcParams["font.family"] = [cjk_font()]
    pyplot.rcParams["axes.unicode_minus"] = False
    return pyplot


def _png(figure, pyplot) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
    pyplot.close(figure)
    return out.getvalue()


def funnel_png(pack) -> bytes:
    """Return the stage funnel: a centred bar per stage, widest first, with 个 and 亿元."""
    pyplot = _pyplot()
    lines = pack.figures.stages
    figure, axes = pyplot.subplots(figsize=(7, 0.6 + 0.7 * max(len(lines), 1)))
    top = max((line.count for line in lines), default=0) or 1
    colours = ["#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]
    for i, line in enumerate(lines):
        width = max(line.count / top, 0.02)
        axes.barh(i, width, left=(1 - width) / 2, color=colours[i % len(colours)], height=0.8)
        axes.text(
            0.5,
            i,
            f"{line.name}  {line.count}个 / {wan_to_yi(line.investment):.2f}亿元",
            ha="center",
            va="center",
            color="white" if width > 0.45 else "black",
            fontsize=11,
        )
    axes.set_ylim(len(lines) - 0.5, -0.5)
    axes.set_xlim(0, 1)
    axes.axis("off")
    axes.set_title(
        f"分阶段项目情况（截至{pack.as_of.year}年{pack.as_of.month}月{pack.as_of.day}日）"
    )
    return _png(figure, pyplot)


def trend_png(pack) -> bytes:
    """Return the monthly trend: in-library 亿元 as bars, the count as a line."""
    pyplot = _pyplot()
    points = pack.trend
    labels = [f"{p.day.year % 100:02d}年{p.day.month}月" for p in points]
    amounts = [float(wan_to_yi(p.investment)) for p in points]
    counts = [p.count for p in points]
    figure, axes = pyplot.subplots(figsize=(8, 3.6))
    axes.bar(range(len(points)), amounts, color="#9ecae1", label="总投资（亿元）")
    axes.set_ylabel("总投资（亿元）")
    axes.set_xticks(range(len(points)), labels, rotation=45, ha="right", fontsize=8)
    right = axes.twinx()
    right.plot(range(len(points)), counts, color="#cb181d", marker="o", label="项目数（个）")
    right.set_ylabel("项目数（个）")
    right.set_ylim(bottom=0, top=max([*counts, 1]) * 1.2)
    for i, n in enumerate(counts):
        right.annotate(
            str(n), (i, n), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8
        )
    handles = axes.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    axes.legend(handles, ["总投资（亿元）", "项目数（个）"], loc="upper left", fontsize=8)
    axes.set_title("在库项目月度趋势（各月末）")
    return _png(figure, pyplot)
