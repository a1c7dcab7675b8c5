"""Time to render each printable document as a PDF (documents.pdf.render): p50 and the floor of
20 renders of each, in Lao and English. The documents are synthetic but shaped like the real
ones (sections, rows and a drawn signature as documents.summary and documents.letters build them
for a case with a screening, services, a referral and a return from Thailand), so no database
is needed: this measures the PDF work (HarfBuzz shaping, font subsetting, compression).

    .venv/bin/python bench/bench_documents.py [--runs 20]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

LAO = "ນ້ອຍ ແກ້ວມະນີ"
STEPS_LO = [
    "ສຳພາດ ແລະ ເຮັດເອກະສານກໍລະນີ",
    "ສົ່ງຄຳຮ້ອງຂໍຊອກຫາຄອບຄົວ ໄປຫາສູນກາງລາວ",
    "ໄດ້ຮັບຄຳຮ້ອງຊອກຫາຄອບຄົວ ແລະ ສົ່ງຕໍ່ໃຫ້ແຂວງ",
    "ແຂວງ ຫຼື ເມືອງ ປະເມີນຄອບຄົວ",
    "ສົ່ງຜົນການປະເມີນຄືນໃຫ້ຄູ່ຮ່ວມງານຕ່າງປະເທດ",
    "ການປະສານງານການກັບຄືນ",
    "ການມອບຮັບຢູ່ດ່ານຊາຍແດນ",
    "ຮັບຢູ່ສູນພັກຊົ່ວຄາວ",
    "ສົ່ງກັບບ້ານ ຫຼື ສູນພັກເຊົາ",
    "ແຜນການເຊື່ອມໂຍງຄືນສູ່ສັງຄົມ",
]


def signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("LA", (600, 200), (255, 0))
    ImageDraw.Draw(image).line([(20, 150), (200, 40), (400, 160), (580, 60)], fill=(0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def documents() -> dict[str, object]:
    from django.utils.translation import gettext as _

    from documents.content import Document, Section, SignatureBlock

    person = Section(
        _("Person"),
        [
            (_("Case code"), "VT-2026-00042"),
            (_("Name"), f"{LAO} / Noy Synthetic"),
            (_("Date of birth"), "01/05/2008"),
            (_("Sex"), _("Female")),
            (_("Nationality"), "ສ.ປ.ປ ລາວ"),
            (_("Place of origin"), "ໄຊທານີ, ນະຄອນຫຼວງວຽງຈັນ"),
        ],
    )
    case = Section(_("Case"), [(_("Category"), "ການຄ້າມະນຸດ"), (_("Status"), "ກຳລັງດຳເນີນການ")] * 3)
    steps = Section(_("Repatriation steps"), [(title, "ລໍຖ້າ · ກຳນົດ 14/12/2026") for title in STEPS_LO])
    signed = SignatureBlock(
        label=_("Signature"),
        signer=LAO,
        role=_("The person"),
        signed_at="07/12/2026",
        seal="ab" * 32,
        image=signature_png(),
    )
    printed = _("Printed on %(day)s by %(user)s. Confidential.") % {"day": "07/12/2026", "user": "sw"}
    return {
        "case_summary": Document(
            "case_summary",
            _("Case summary"),
            "VT-2026-00042",
            [
                person,
                case,
                Section(_("Screening outcome"), [("02/03/2026", "ຕ້ອງປະເມີນເພີ່ມເຕີມ")]),
                Section(_("Services"), [("ການຊ່ວຍເຫຼືອທາງດ້ານກົດໝາຍ", "ວາງແຜນໄວ້")] * 4),
                Section(_("Shelter stays"), [("ສູນພັກເຊົາ", "10/03/2026 \N{EN DASH} 02/05/2026")]),
                Section(_("Referrals"), [("ສະຫະພັນແມ່ຍິງ", "ສົ່ງແລ້ວ · ສົ່ງວັນທີ 07/12/2026")] * 2),
                steps,
            ],
            printed=printed,
        ),
        "referral_letter": Document(
            "referral_letter",
            _("Referral letter"),
            "VT-2026-00042",
            [person, Section(_("Referral"), [(_("Reason"), "ຄຳແນະນຳທາງດ້ານກົດໝາຍ " * 8)])],
            intro="ເຖິງ ສະຫະພັນແມ່ຍິງ: ຂໍສົ່ງຕໍ່ບຸກຄົນລຸ່ມນີ້ໃຫ້ທ່ານ ເພື່ອຮັບການບໍລິການທີ່ລະບຸໄວ້.",
            printed=printed,
        ),
        "repatriation_file": Document(
            "repatriation_file",
            _("Repatriation file"),
            "VT-2026-00042",
            [
                person,
                Section(_("Nationality verification"), case.rows[:3]),
                Section(_("Family assessment"), case.rows[:2]),
                Section(_("Travel document"), case.rows[:4]),
                Section(_("Handover"), case.rows),
            ],
            signatures=[signed],
            printed=printed,
        ),
        "consent_form": Document(
            "consent_form",
            _("Consent to share information"),
            "VT-2026-00042",
            [person],
            intro="ຂ້ອຍຍິນຍອມໃຫ້ອົງການທີ່ລະບຸຊື່ລຸ່ມນີ້ ຮັບຂໍ້ມູນທີ່ລະບຸໄວ້.",
            signatures=[signed],
            printed=printed,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    import django

    django.setup()
    from django.utils import translation

    from documents.pdf import render

    print(f"{'document':<20} {'language':<8} {'p50 ms':>8} {'floor ms':>9} {'bytes':>8}  ({runs} renders each)")
    for language in ("lo", "en"):
        with translation.override(language):
            for kind, document in documents().items():
                render(document)  # warm: fonts parsed once per process
                timings, size = [], 0
                for _ in range(runs):
                    start = time.perf_counter()
                    size = len(render(document))
                    timings.append((time.perf_counter() - start) * 1000)
                print(f"{kind:<20} {language:<8} {statistics.median(timings):8.1f} {min(timings):9.1f} {size:8d}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
