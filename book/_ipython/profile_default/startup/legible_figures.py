"""Every figure a chapter draws must be legible on a phone (the book's IPython profile, book/_ipython).

A figure W inches wide is drawn W x 100 px wide and shown at most as wide as the page's column; on a
390 px phone the column is about 350 px, so a figure wider than 3.5 in is shrunk there by 350 / (100 W).
Its smallest text, `size` points, is then size / 72 * 100 * min(1, 3.5 / W) px high. Below 7.5 px the
book's build stops with the offending text and what would fix it (a narrower figure or a larger font).
"""

from __future__ import annotations

PHONE_COLUMN_INCHES = 3.5  # 350 px at matplotlib's 100 dpi
SMALLEST_PX = 7.5


def widest(points: float) -> float:
    """The widest figure, in inches, in which text of this size stays legible on a phone."""
    return points / 72 * 100 * PHONE_COLUMN_INCHES / SMALLEST_PX


def check_legible(figure) -> None:
    import os
    import sys

    import matplotlib.text

    width = figure.get_size_inches()[0]
    shrink = min(1.0, PHONE_COLUMN_INCHES / width)
    # the tick labels of axes drawn without their axes (an Atari frame under axis("off")) are not shown
    hidden = {
        id(label)
        for axes in figure.axes
        if not axes.axison
        for label in axes.xaxis.get_ticklabels(which="both") + axes.yaxis.get_ticklabels(which="both")
    }
    for text in figure.findobj(matplotlib.text.Text):
        if not text.get_visible() or not text.get_text().strip() or id(text) in hidden:
            continue
        px = text.get_fontsize() / 72 * 100 * shrink
        if px < SMALLEST_PX - 1e-6:
            needed = SMALLEST_PX * 72 / 100 / shrink
            message = (
                f"illegible on a phone: {text.get_text()[:40]!r} is {text.get_fontsize():.1f} pt in a figure "
                f"{width:.1f} in wide, {px:.1f} px high on a 390 px phone (at least {SMALLEST_PX:.0f} px): "
                f"set it to {needed:.1f} pt or more, or make the figure narrower "
                f"(at {text.get_fontsize():.1f} pt: at most {widest(text.get_fontsize()):.1f} in)"
            )
            if os.environ.get("DQN_BOOK_LEGIBILITY") == "report":  # list them all instead of stopping
                print(message, file=sys.stderr)
                continue
            raise ValueError(message)


def _install() -> None:
    from matplotlib.backend_bases import FigureCanvasBase

    draw_png = FigureCanvasBase.print_figure
    if getattr(draw_png, "checks_legibility", False):
        return

    def print_figure(self, *args, **kwargs):
        check_legible(self.figure)
        return draw_png(self, *args, **kwargs)

    print_figure.checks_legibility = True
    FigureCanvasBase.print_figure = print_figure


_install()
