"""A Document (documents.content) as an A4 PDF, with fpdf2 and HarfBuzz (uharfbuzz) shaping the
Lao text: stacked vowels and tone marks placed by the font's rules, not character by character.
The fonts are the bundled Noto Sans Lao, with Noto Sans for Latin letters and digits (the Lao
font has none), both in static/fonts under the SIL Open Font License.

Text extraction (pypdf, pdftotext) gives the Lao text back as written, except that a vowel the
font draws as two glyphs (SARA AM) comes back as the character plus one unmapped glyph: fpdf2
maps the first glyph of a cluster to the text and the others to nothing."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import cast

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from documents.content import Document, SignatureBlock

# fontTools reports every subset it makes at INFO: noise in the logs of every download.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
LABEL_WIDTH = 55  # mm, of 180 between the margins
GREY = (90, 90, 90)


class _Pdf(FPDF):
    printed = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("lao", size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.printed, new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 5, _("Page %(page)s") % {"page": self.page_no()}, align="R")
        self.set_text_color(0, 0, 0)


def _new_pdf(document: Document) -> _Pdf:
    pdf = _Pdf(format="A4", unit="mm")
    pdf.printed = document.printed
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("lao", "", FONTS / "NotoSansLao-Regular.ttf")
    pdf.add_font("lao", "B", FONTS / "NotoSansLao-Bold.ttf")
    pdf.add_font("latin", "", FONTS / "NotoSans-Regular.ttf")
    pdf.add_font("latin", "B", FONTS / "NotoSans-Bold.ttf")
    pdf.set_fallback_fonts(["latin"])
    pdf.set_text_shaping(True)
    pdf.set_title(f"{document.title} {document.case_code}")
    pdf.set_creator("Pathway")
    pdf.add_page()
    return pdf


def _signature(pdf: _Pdf, block: SignatureBlock) -> None:
    pdf.set_font("lao", "B", 10)
    pdf.cell(0, 7, block.label, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("lao", size=10)
    if not block.signer:
        for line in (_("Name"), _("Date"), _("Signature")):
            pdf.cell(LABEL_WIDTH, 10, line)
            pdf.cell(0, 10, "_" * 40, new_x="LMARGIN", new_y="NEXT")
        return
    if block.image:
        pdf.image(io.BytesIO(block.image), h=20, keep_aspect_ratio=True)
    signed = {"name": block.signer, "role": block.role, "day": block.signed_at}
    line = (
        _("Signed on paper by %(name)s (%(role)s) on %(day)s.")
        if block.paper
        else _("Signed by %(name)s (%(role)s) on %(day)s.")
    )
    pdf.multi_cell(0, 6, line % signed, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("lao", size=8)
    pdf.multi_cell(0, 5, _("Seal (SHA-256 of the record when signed): %(seal)s") % {"seal": block.seal}, align="L")
    pdf.set_x(pdf.l_margin)
    if not block.sealed:
        pdf.set_text_color(170, 0, 0)
        pdf.set_font("lao", "B", 10)
        pdf.multi_cell(0, 6, _("Changed after signing: this record needs a new signature."), align="L")
        pdf.set_x(pdf.l_margin)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def _row(pdf: _Pdf, label: str, value: str) -> None:
    """One (label, value) line of a section: the label in bold on the left, the value beside it,
    a rule under both. (Drawn by hand: fpdf2's table lays every cell out twice, twice the time.)"""
    if pdf.will_page_break(14):
        pdf.add_page()
    top, page = pdf.get_y(), pdf.page
    pdf.set_font("lao", "B", 10)
    high = cast(
        float, pdf.multi_cell(LABEL_WIDTH - 3, 6, label, align="L", new_x="RIGHT", new_y="TOP", output="HEIGHT")
    )
    pdf.set_x(pdf.l_margin + LABEL_WIDTH)
    pdf.set_font("lao", size=10)
    pdf.multi_cell(0, 6, value, align="L", new_x="LMARGIN", new_y="NEXT")
    if pdf.page == page:
        pdf.set_y(max(pdf.get_y(), top + high))
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y() + 0.5, pdf.w - pdf.r_margin, pdf.get_y() + 0.5)
    pdf.set_y(pdf.get_y() + 1.5)


def render(document: Document) -> bytes:
    pdf = _new_pdf(document)
    pdf.set_font("lao", size=9)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, "Pathway", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("lao", "B", 16)
    pdf.multi_cell(0, 9, f"{document.title} · {document.case_code}", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if document.intro:
        pdf.set_font("lao", size=10)
        pdf.multi_cell(0, 6, document.intro, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    for section in document.sections:
        pdf.set_font("lao", "B", 12)
        pdf.multi_cell(0, 8, section.title, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("lao", size=10)
        if not section.rows:
            pdf.multi_cell(0, 6, section.empty, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            continue
        for label, value in section.rows:
            _row(pdf, label, value)
        pdf.ln(3)
    for block in document.signatures:
        _signature(pdf, block)
    return bytes(pdf.output())
