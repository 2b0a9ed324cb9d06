# ruff: noqa: RUF001 - the strings are Cyrillic, Arabic and Chinese on purpose.
"""The certificate PDF, read back: its text, real glyphs, right-to-left Arabic and the QR code.

Text is checked twice: with pypdf's extractor (what a reader or an indexer gets) and glyph by
glyph from the content stream, which is in drawing order, left to right. Each glyph is mapped
back to its characters through the font's ToUnicode table and to its outline in the embedded
font program, so a missing glyph (a box) or unshaped or unordered Arabic fails the tests.
"""

import datetime
import io
import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest
import qrcode
from django.utils import translation
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from apps.courses.certificate_pdf import certificate_pdf_render

URL = "https://orbital.example/certificates/verify/ABCD-EFGH-JKLM/"
CODE = "ABCD-EFGH-JKLM"
ISSUED = datetime.date(2025, 3, 5)
HEADING = "Certificate of completion"
INVISIBLE = re.compile(r"[\s\u2068\u2069]")  # whitespace and the bidi isolates around values

# language: (learner name, course title, the date as the language writes it)
CASES = {
    "en": (
        "Ana María López-García",
        "Space-debris mitigation: principles and practice",
        "March 5, 2025",
    ),
    "fr": (
        "Zoë Dubois-Lefèvre",
        "Droit de l’espace : les traités des Nations unies",
        "5 mars 2025",
    ),
    "es": ("José Ñúñez Ibáñez", "Mitigación de desechos espaciales", "5 de marzo de 2025"),
    "ru": ("Анна Сергеевна Петрова", "Космическое право и устойчивость орбит", "5 марта 2025 г."),
    "zh-hans": ("王䶮", "空间碎片减缓：原理与实践", "2025年3月5日"),
    "ar": ("محمد بن سعيد", "قانون الفضاء والحد من الحطام الفضائي", "5 مارس، 2025"),
}
# Scripts mixed: the learner's data need not be in the certificate's language.
MIXED = {
    "ar-latin": ("ar", "Ana María López", "空间法 · Space law"),
    "zh-arabic": ("zh-hans", "محمد", "Право 空间法"),
    "en-korean": ("en", "김민준 (Kim Min-jun)", "宇宙法 うちゅうほう"),
}


@pytest.fixture(scope="module")
def pdfs():
    """Every certificate rendered once for the whole module (a render takes about half a second)."""
    cases = {key: (key, name, title) for key, (name, title, _) in CASES.items()} | MIXED
    return {
        key: certificate_pdf_render(
            learner_name=name,
            course_title=title,
            issued_on=ISSUED,
            code=CODE,
            verify_url=URL,
            language=language,
        )
        for key, (language, name, title) in cases.items()
    }


def _heading(language: str) -> str:
    with translation.override(language):
        return translation.gettext(HEADING)


def _extracted(pdf: bytes) -> list[str]:
    """pypdf's lines of text."""
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()


def _words(text: str) -> list[str]:
    """The words in any order, each read either way: extractors disagree on how they give
    right-to-left text (pypdf: the letters of a word in reading order, the words not)."""
    return sorted(min(word, word[::-1]) for word in text.split())


@dataclass
class Glyph:
    code: int
    text: str  # the characters the glyph stands for, from ToUnicode
    inked: bool  # the embedded font draws something for it


def _fonts(page) -> dict[str, dict[int, Glyph]]:
    """For each font resource: 2-byte code -> glyph, via ToUnicode, CIDToGIDMap and glyf."""
    fonts = {}
    for key, ref in page["/Resources"]["/Font"].items():
        font = ref.get_object()
        # TrueType fonts get plain Identity-H; a CID-keyed CFF font would get an embedded CMap,
        # which pypdf and pdfminer misread (see apps/courses/fonts/README.md).
        assert font["/Encoding"] == "/Identity-H"
        cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
        assert "bfrange" not in cmap
        descendant = font["/DescendantFonts"][0].get_object()
        cid_to_gid = descendant["/CIDToGIDMap"].get_object().get_data()
        program = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_data()))
        order, glyf = program.getGlyphOrder(), program["glyf"]
        glyphs = {}
        for code_hex, text_hex in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap):
            code = int(code_hex, 16)
            gid = int.from_bytes(cid_to_gid[2 * code : 2 * code + 2], "big")
            inked = gid != 0 and glyf[order[gid]].numberOfContours != 0
            glyphs[code] = Glyph(code, bytes.fromhex(text_hex).decode("utf-16-be"), inked)
        fonts[key] = glyphs
    return fonts


def _lines(pdf: bytes) -> list[list[Glyph]]:
    """The glyphs of each text object (one per line of text), in drawing order."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = _fonts(page)
    lines, font, saved = [], None, []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        # The font is part of the graphics state: q saves it, Q restores it.
        if operator == b"q":
            saved.append(font)
        elif operator == b"Q":
            font = saved.pop()
        elif operator == b"BT":
            lines.append([])
        elif operator == b"Tf":
            font = fonts[operands[0]]
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else operands
            for string in strings:
                if isinstance(string, int | float):
                    continue
                raw = string.original_bytes if hasattr(string, "original_bytes") else bytes(string)
                for i in range(0, len(raw), 2):
                    code = int.from_bytes(raw[i : i + 2], "big")
                    lines[-1].append(font.get(code, Glyph(code, "\ufffd", False)))
    return [line for line in lines if line]


def _visual(line: list[Glyph]) -> str:
    return "".join(glyph.text for glyph in line)


def _has_line(pdf: bytes, text: str) -> bool:
    return any(INVISIBLE.sub("", text) in INVISIBLE.sub("", _visual(li)) for li in _lines(pdf))


@pytest.mark.parametrize("language", CASES)
def test_text_reads_back(pdfs, language):
    name, title, date = CASES[language]
    heading = _heading(language)
    if language != "en":
        assert heading != HEADING, f"{language}: the heading is not translated"
    lines = _extracted(pdfs[language])
    for expected in (name, title, heading):
        assert _words(expected) in [_words(line) for line in lines], expected
    text = INVISIBLE.sub("", "".join(lines))
    for expected in (date, CODE, "Orbital Commons", URL):
        if language == "ar":
            assert all(word in text or word[::-1] in text for word in expected.split()), expected
        else:
            assert INVISIBLE.sub("", expected) in text, expected


def test_one_page_a4_landscape(pdfs):
    for key, pdf in pdfs.items():
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1, key
        box = reader.pages[0].mediabox
        assert (round(box.width), round(box.height)) == (842, 595), key  # A4: 297 x 210 mm


@pytest.mark.parametrize("key", [*CASES, *MIXED])
def test_every_character_has_an_inked_glyph(pdfs, key):
    """No .notdef boxes: each character drawn comes from a glyph with an outline."""
    language, name, title = MIXED.get(key) or (key, *CASES[key][:2])
    lines = _lines(pdfs[key])
    glyphs = [glyph for line in lines for glyph in line]
    assert glyphs
    assert not [g for g in glyphs if not g.inked and g.text.strip("\u2068\u2069 ")]
    inked = "".join(glyph.text for glyph in glyphs if glyph.inked)
    for char in INVISIBLE.sub("", name + title + _heading(language) + CODE):
        assert char in inked, f"{char!r} ({ord(char):04X}) is not drawn"


@pytest.mark.parametrize(("key", "name"), [("ar", "محمد بن سعيد"), ("zh-arabic", "محمد")])
def test_arabic_is_shaped_and_right_to_left(pdfs, key, name):
    lines = {INVISIBLE.sub("", _visual(line)): line for line in _lines(pdfs[key])}
    # Drawn left to right, so the last letter of the name comes first.
    drawn = INVISIBLE.sub("", name[::-1])
    assert drawn in lines, list(lines)
    line = lines[drawn]
    # Shaped: the first م of محمد is initial, the second medial, and joined letters take a
    # different form in each position; text that was not shaped reuses one glyph per letter.
    assert len({glyph.code for glyph in line if glyph.text == "م"}) == 2


def test_latin_name_stays_left_to_right_in_arabic(pdfs):
    assert _has_line(pdfs["ar-latin"], "Ana María López")
    assert _has_line(pdfs["ar-latin"], "Space law")
    assert _has_line(pdfs["ar"], CODE)
    assert _has_line(pdfs["ar"], URL)


def _qr_modules(pdf: bytes) -> tuple[list[list[bool]], float]:
    """Rebuild the QR matrix from the filled rectangles; also return its left edge in pt."""
    reader = PdfReader(io.BytesIO(pdf))
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    rects = [
        [float(v) for v in operands]
        for (operands, operator), (_, following) in itertools.pairwise(operations)
        if operator == b"re" and following == b"f"
    ]
    rects = [(x, min(y, y + h), w, abs(h)) for x, y, w, h in rects]
    module = min(h for *_, h in rects)
    left, top = min(r[0] for r in rects), max(r[1] + r[3] for r in rects)
    size = round((max(r[0] + r[2] for r in rects) - left) / module)
    matrix = [[False] * size for _ in range(size)]
    for x, y, w, h in rects:
        row = round((top - y - h) / module)
        for col in range(round((x - left) / module), round((x + w - left) / module)):
            matrix[row][col] = True
    return matrix, left


@pytest.mark.parametrize("language", ["en", "ar"])
def test_qr_code_matches_the_url(pdfs, language):
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(URL)
    qr.make(fit=True)
    matrix, left = _qr_modules(pdfs[language])
    assert matrix == qr.get_matrix()
    # Away from the reading side: bottom right, or bottom left when the page reads right to left.
    assert (left < 842 / 2) == (language == "ar")


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils and zbar-tools",
)
def test_qr_code_scans(pdfs, tmp_path):
    (tmp_path / "cert.pdf").write_bytes(pdfs["zh-hans"])
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", "cert.pdf", "cert"],
        cwd=tmp_path,
        check=True,
    )
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "cert.png"], cwd=tmp_path, capture_output=True, text=True
    )
    assert scanned.stdout.strip() == URL
