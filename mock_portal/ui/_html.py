"""The page shell and the band badge: the frame every portalsim page shares.

Everything here returns `markupsafe.Markup`: text arguments are escaped once, on the way in,
and Markup passed back in is kept as it is, so components nest without double escaping and
Jinja2 templates (autoescape on) can place them directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

from markupsafe import Markup, escape

from mock_portal.ui._labels import band_label

#: the band names of the scorecards and their CSS classes (ASCII: class names stay portable)
BAND_CLASSES = {
    "xanh": "band-green",
    "vàng": "band-yellow",
    "cam": "band-orange",
    "đỏ": "band-red",
    "chưa có dữ liệu": "band-none",
}
BAND_COLOURS = {
    "xanh": "#2e7d32",
    "vàng": "#f9a825",
    "cam": "#ef6c00",
    "đỏ": "#c62828",
    "chưa có dữ liệu": "#9e9e9e",
}
SEVERITY_COLOURS = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}


def stylesheet() -> str:
    """The shared stylesheet (`mock_portal/ui/ui.css`): linked by the dashboard, inlined by the
    reports (which must be one file)."""
    return resources.files("mock_portal.ui").joinpath("ui.css").read_text(encoding="utf-8")


def band_badge(band: str, lang: str = "vi") -> Markup:
    """The coloured badge of a band (`xanh`, `vàng`, `cam`, `đỏ`, `chưa có dữ liệu`)."""
    css = BAND_CLASSES.get(band, "band-none")
    return Markup('<span class="band {}" data-band="{}">{}</span>').format(
        css, band, band_label(band, lang)
    )


def page(
    title: str,
    body: str,
    *,
    lang: str = "vi",
    stylesheet_href: str | None = None,
    scripts: Iterable[str] = (),
    header: str = "",
) -> Markup:
    """A whole HTML document.

    `body` and `header` are HTML (pass `Markup` or already-escaped text); `title` is text. The
    shared stylesheet is linked from `stylesheet_href` when given (pages served under a
    Content-Security-Policy without inline styles), inlined otherwise (single-file reports).
    `scripts` are same-origin script URLs, loaded deferred.
    """
    style = (
        Markup('<link rel="stylesheet" href="{}">').format(stylesheet_href)
        if stylesheet_href
        else Markup("<style>{}</style>").format(Markup(stylesheet()))
    )
    script_tags = Markup("").join(
        Markup('<script src="{}" defer></script>').format(src) for src in scripts
    )
    document_lang = "en" if lang == "en" else "vi"
    return Markup(
        '<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<title>{title}</title>{style}{scripts}</head><body>{header}"
        '<main class="ps-main">{body}</main></body></html>\n'
    ).format(
        lang=document_lang,
        title=title,
        style=style,
        scripts=script_tags,
        header=Markup(header),
        body=Markup(body),
    )


def text(value: object) -> Markup:
    """Any value as escaped text."""
    return escape(str(value))
