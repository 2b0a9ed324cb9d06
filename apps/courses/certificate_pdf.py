"""Certificates of completion as one-page A4 landscape PDFs, in any of the portal's languages.

fpdf2 lays the page out; with uharfbuzz it shapes every run of text (Arabic letters join, marks
attach) and applies the Unicode bidi algorithm, so Arabic reads right to left and a Latin name
or URL inside it stays left to right. The fonts are committed in fonts/ (see fonts/README.md)
because a fresh server has none we could rely on: Noto Sans covers Latin, Greek and Cyrillic,
Noto Naskh Arabic the Arabic script and Noto Sans CJK SC every CJK ideograph, kana and hangul
it has, since a learner's name may use any of them. fpdf2 embeds only the glyphs a page uses.
"""

import datetime
from pathlib import Path

import qrcode
from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from apps.core.languages import RTL_LANGUAGES

FONTS = Path(__file__).resolve().parent / "fonts"
PAGE_W, PAGE_H, MARGIN = 297, 210, 22  # A4 landscape, in mm
QR_SIZE = 34
NAVY, GOLD, GREY = (16, 42, 84), (176, 136, 48), (80, 80, 80)
# Unicode first-strong isolate: a value put into a sentence keeps its own direction, so a
# Latin URL or code inside an Arabic sentence is neither reversed nor moved to the wrong end.
FSI, PDI = "\u2068", "\u2069"


def _fonts_add(pdf: FPDF) -> None:
    """Register the fonts; characters Noto Sans lacks are drawn from the others."""
    pdf.add_font("sans", "", FONTS / "NotoSans-Regular.ttf")
    pdf.add_font("sans", "B", FONTS / "NotoSans-Bold.ttf")
    pdf.add_font("arabic", "", FONTS / "NotoNaskhArabic-Regular.ttf")
    pdf.add_font("arabic", "B", FONTS / "NotoNaskhArabic-Bold.ttf")
    # One weight only: a second CJK weight would add another 12 MB to the repository.
    pdf.add_font("cjk", "", FONTS / "NotoSansCJKsc-Regular.ttf")
    # Noto Sans comes first even on Arabic pages: digits, spaces and punctuation then match
    # the Latin text around them (a URL, a code), instead of switching fonts mid-URL.
    # exact_match=False: bold CJK text falls back to the regular CJK face rather than to boxes.
    pdf.set_fallback_fonts(["arabic", "cjk"], exact_match=False)
    pdf.set_font("sans")


def _isolated(**values: str) -> dict[str, str]:
    return {key: f"{FSI}{value}{PDI}" for key, value in values.items()}


def _text(
    pdf: FPDF,
    text: str,
    size: float,
    *,
    style: str = "",
    direction: str | None = None,
    color: tuple[int, int, int] = NAVY,
    align: Align = Align.C,
    width: float = 0,
) -> None:
    """Write a paragraph; direction=None lets its first strong letter decide (learner data)."""
    pdf.set_font(style=style, size=size)
    pdf.set_text_color(*color)
    pdf.set_text_shaping(use_shaping_engine=True, direction=direction)
    pdf.multi_cell(width, size * 0.45, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fit(pdf: FPDF, text: str, size: float, smallest: float, width: float, style: str) -> float:
    """The largest font size, down to smallest, at which text fits on one line of width."""
    pdf.set_text_shaping(use_shaping_engine=True)
    while size > smallest:
        pdf.set_font(style=style, size=size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 1
    return size


def certificate_qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules, True for dark, without the quiet zone (the page margin is one)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.get_matrix()


def _qr_draw(pdf: FPDF, url: str, x: float, y: float) -> None:
    """Draw the QR code as filled rectangles (vector: sharp at any zoom, and tiny)."""
    matrix = certificate_qr_matrix(url)
    module = QR_SIZE / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            if not cells[col]:
                col += 1
                continue
            start = col
            while col < len(cells) and cells[col]:
                col += 1
            # One rectangle per horizontal run of dark modules keeps the content stream short.
            pdf.rect(x + start * module, y + row * module, (col - start) * module, module, "F")


def certificate_pdf_render(
    *,
    learner_name: str,
    course_title: str,
    issued_on: datetime.date,
    code: str,
    verify_url: str,
    language: str,
) -> bytes:
    """Return a one-page A4 landscape PDF certifying that learner_name completed course_title.

    The fixed text is translated into language (one of settings.LANGUAGES) and the date is
    formatted for it; Arabic pages are laid out right to left. The QR code encodes verify_url.
    Learner name and course title may be in any script, whatever the language.
    """
    with translation.override(language):
        rtl = language in RTL_LANGUAGES
        direction = "rtl" if rtl else "ltr"
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN)
        pdf.set_lang(translation.get_language())
        pdf.set_title(_("Certificate of completion"))
        pdf.set_author(_("Orbital Commons"))
        # A fixed date instead of "now": the same certificate always gives the same bytes.
        pdf.set_creation_date(datetime.datetime.combine(issued_on, datetime.time(), datetime.UTC))
        _fonts_add(pdf)
        pdf.add_page()

        pdf.set_draw_color(*NAVY)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, PAGE_W - 20, PAGE_H - 20)
        pdf.set_draw_color(*GOLD)
        pdf.set_line_width(0.4)
        pdf.rect(13, 13, PAGE_W - 26, PAGE_H - 26)

        pdf.set_y(24)
        _text(pdf, _("Orbital Commons"), 16, style="B", direction=direction, color=GOLD)
        pdf.ln(4)
        _text(pdf, _("Certificate of completion"), 32, style="B", direction=direction)
        pdf.line(PAGE_W / 2 - 30, pdf.get_y() + 3, PAGE_W / 2 + 30, pdf.get_y() + 3)
        pdf.ln(10)
        _text(pdf, _("This certifies that"), 14, direction=direction, color=GREY)
        pdf.ln(3)
        width = PAGE_W - 2 * MARGIN
        size = _fit(pdf, learner_name, 34, 20, width, "B")
        _text(pdf, learner_name, size, style="B")
        pdf.ln(3)
        _text(pdf, _("has completed the course"), 14, direction=direction, color=GREY)
        pdf.ln(3)
        # Long titles may wrap onto a second line rather than shrink below 16 pt.
        _text(pdf, course_title, _fit(pdf, course_title, 22, 16, width, "B"), style="B")
        pdf.ln(6)
        issued = _("Issued on %(date)s") % _isolated(date=formats.date_format(issued_on))
        _text(pdf, issued, 12, direction=direction, color=GREY)

        # Bottom band: details on the reading side, the QR code on the other.
        qr_x = MARGIN if rtl else PAGE_W - MARGIN - QR_SIZE
        qr_y = PAGE_H - MARGIN - QR_SIZE
        _qr_draw(pdf, verify_url, qr_x, qr_y)
        pdf.set_y(qr_y + QR_SIZE - 12)
        details = [
            _("Verification code: %(code)s") % _isolated(code=code),
            _("Verify at %(url)s") % _isolated(url=verify_url),
        ]
        band = PAGE_W - 2 * MARGIN - QR_SIZE - 8
        for line in details:
            pdf.set_x(PAGE_W - MARGIN - band if rtl else MARGIN)
            _text(
                pdf,
                line,
                10.5,
                direction=direction,
                color=GREY,
                width=band,
                align=Align.R if rtl else Align.L,
            )
            pdf.ln(1.5)
        return bytes(pdf.output())
