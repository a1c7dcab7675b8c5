"""Checking an uploaded file before anything is stored (casework.attachments).

- Size: at most `settings.ATTACHMENT_MAX_BYTES` (20 MB unless configured).
- Type: sniffed from the content (the `filetype` package), never from the name or the browser's
  Content-Type, against an allow-list: PDF, JPEG, PNG, HEIC, DOCX, ODT.
- Images are decoded and re-encoded with Pillow (HEIC through pillow-heif, to JPEG) from their
  pixels only: EXIF (a phone photo's GPS position can reveal a shelter's address), XMP, IPTC and
  comments are dropped. A file that does not decode is refused.
- A PDF that pypdf cannot read, or that carries JavaScript, automatic actions or embedded files
  is refused; a DOCX with macros too.

`sanitise` returns the bytes to store and their MIME type, or raises UploadRefused with a
message for the person who uploaded (a clear 400)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.sizes import file_size

ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}
# What a stored file is served as (HEIC photos are re-encoded to JPEG).
EXTENSIONS = {mime: extension for mime, extension in ALLOWED.items() if mime != "image/heic"}
# PDF names that run code or carry other files (ISO 32000), looked for in the raw bytes too. Only
# long names: a short one (/JS, /AA) turns up by chance in a compressed stream; those are looked
# for in the document's structure instead.
PDF_ACTIVE = (b"/JavaScript", b"/OpenAction", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
ACTIONS = ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm")
MAX_PIXELS = 50_000_000  # a decompression bomb is refused, not decoded


class UploadRefused(Exception):
    """A file Pathway will not store, with the reason in the reader's language."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def check_size(size: int) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise UploadRefused(_("The file is larger than %(limit)s.") % {"limit": file_size(limit)})
    if size == 0:
        raise UploadRefused(_("The file is empty."))


def sanitise(content: bytes) -> CleanFile:
    check_size(len(content))
    kind = filetype.guess(content)
    mime = kind.mime if kind is not None else ""
    if mime not in ALLOWED:
        raise UploadRefused(_("This type of file is not accepted: send a PDF, JPEG, PNG, HEIC, DOCX or ODT file."))
    if mime.startswith("image/"):
        return _image(content, mime)
    if mime == "application/pdf":
        _check_pdf(content)
    elif mime.endswith(".document"):
        _check_docx(content)
    return CleanFile(content, mime)


def _image(content: bytes, mime: str) -> CleanFile:
    """Decode and write the pixels again: nothing but the image survives."""
    if mime == "image/heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefused(_("The image is too large (more than 50 million pixels)."))
            upright = ImageOps.exif_transpose(image)  # keep the orientation the EXIF gave, then drop EXIF
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise UploadRefused(_("The image cannot be read: it may be damaged.")) from error
    out = io.BytesIO()
    if mime == "image/png":
        pixels.save(out, format="PNG", optimize=False)
        return CleanFile(out.getvalue(), "image/png")
    if pixels.mode not in ("RGB", "L"):
        pixels = pixels.convert("RGB")
    pixels.save(out, format="JPEG", quality=90)
    return CleanFile(out.getvalue(), "image/jpeg")


def _check_pdf(content: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise UploadRefused(_("The PDF is protected by a password: send it without one."))
        root = _dict(reader.trailer["/Root"])
        names = _dict(root.get("/Names"))
        refused = "/JavaScript" in names or "/EmbeddedFiles" in names or "/OpenAction" in root or "/AA" in root
        if refused or "/XFA" in _dict(root.get("/AcroForm")):
            raise UploadRefused(_("The PDF contains JavaScript or embedded files, which are not accepted."))
        for page in reader.pages:
            annotations = page.get("/Annots")
            annotations = annotations.get_object() if annotations is not None else []
            if "/AA" in page or any(_active(_dict(annotation)) for annotation in annotations):  # type: ignore[union-attr]
                raise UploadRefused(_("The PDF contains JavaScript or embedded files, which are not accepted."))
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise UploadRefused(_("The PDF cannot be read: it may be damaged.")) from error
    # Objects that no catalogue entry names (an action hidden in a stream) are still refused.
    if any(name in content for name in PDF_ACTIVE):
        raise UploadRefused(_("The PDF contains JavaScript or embedded files, which are not accepted."))


def _dict(value: Any) -> dict[str, Any]:
    """A PDF dictionary (an indirect reference followed), or an empty one for anything else."""
    value = value.get_object() if value is not None else None
    return value if isinstance(value, dict) else {}


def _active(annotation: dict[str, Any]) -> bool:
    """An annotation that runs something when clicked or shown (a link to a web page is fine)."""
    if "/AA" in annotation or annotation.get("/Subtype") in ("/FileAttachment", "/RichMedia"):
        return True
    return _dict(annotation.get("/A")).get("/S") in ACTIONS


def _check_docx(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as error:
        raise UploadRefused(_("The document cannot be read: it may be damaged.")) from error
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UploadRefused(_("The document contains macros, which are not accepted."))
