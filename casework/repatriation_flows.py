"""The repatriation flows as data: which steps, on which side of the border, after which steps,
and by when (docs/design/domain.md, Repatriation).

`repatriation_start` copies a flow into RepatriationStep rows, so changing a flow here changes
new repatriations only; those already running keep the steps they started with. `due_days`
counts days from the start of the repatriation: a planning default the worker can see slipping,
not a legal deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from casework.choices import RepatriationFlow

Side = Literal["abroad", "laos", "both"]
SIDES: tuple[Side, ...] = ("abroad", "laos", "both")


@dataclass(frozen=True)
class StepTemplate:
    code: str
    title_en: str
    title_lo: str
    side: Side
    depends_on: tuple[str, ...] = ()
    due_days: int | None = None


# Steps the workflow gives a meaning beyond "done": the family assessment carries its result
# (safe, unsafe, not found) and the return step carries the safeguarding decision.
ASSESSMENT_STEPS = frozenset({"family_assessment", "family_tracing_and_assessment"})
RETURN_STEP = "return_or_placement"
# A child is handed over (and returned or placed) only after a best-interests determination.
HANDOVER_STEP = "handover_at_border"

# A flow tied to one partner country only starts for a person coming from that country.
FLOW_COUNTRY: dict[str, str] = {RepatriationFlow.THAILAND_MOU: "TH", RepatriationFlow.CHINA: "CN"}

_INTERVIEW = StepTemplate(
    "case_interview_documentation",
    "Case interview and documentation",
    "ສຳພາດ ແລະ ເຮັດເອກະສານກໍລະນີ",
    "abroad",
    (),
    7,
)

# Thailand -> Lao PDR under the 2005 MOU. Return coordination (travel documents, nationality
# verification) runs alongside the family assessment once tracing has been requested.
THAILAND_MOU: tuple[StepTemplate, ...] = (
    _INTERVIEW,
    StepTemplate(
        "family_tracing_requested",
        "Family tracing requested from the Lao central authority",
        "ສົ່ງຄຳຮ້ອງຂໍຊອກຫາຄອບຄົວ ໄປຫາສູນກາງລາວ",
        "abroad",
        ("case_interview_documentation",),
        14,
    ),
    StepTemplate(
        "family_tracing_received",
        "Family tracing request received and sent to the province",
        "ໄດ້ຮັບຄຳຮ້ອງຊອກຫາຄອບຄົວ ແລະ ສົ່ງຕໍ່ໃຫ້ແຂວງ",
        "laos",
        ("family_tracing_requested",),
        21,
    ),
    StepTemplate(
        "family_assessment",
        "Family assessment by provincial or district social welfare",
        "ແຂວງ ຫຼື ເມືອງ ປະເມີນຄອບຄົວ",
        "laos",
        ("family_tracing_received",),
        45,
    ),
    StepTemplate(
        "assessment_result_sent",
        "Assessment result sent back to the partner abroad",
        "ສົ່ງຜົນການປະເມີນຄືນໃຫ້ຄູ່ຮ່ວມງານຕ່າງປະເທດ",
        "laos",
        ("family_assessment",),
        52,
    ),
    StepTemplate(
        "return_coordination",
        "Return coordination: travel documents and nationality verification",
        "ປະສານງານການສົ່ງກັບ: ເອກະສານເດີນທາງ ແລະ ຢັ້ງຢືນສັນຊາດ",
        "both",
        ("family_tracing_requested",),
        60,
    ),
    StepTemplate(
        "handover_at_border",
        "Handover at the border",
        "ຮັບມອບຕົວຢູ່ດ່ານຊາຍແດນ",
        "both",
        ("assessment_result_sent", "return_coordination"),
        75,
    ),
    StepTemplate(
        "transit_centre_reception",
        "Reception at the transit centre (up to about 7 days)",
        "ຮັບຕົວຢູ່ສູນຮັບ-ສົ່ງ (ບໍ່ເກີນ 7 ວັນ)",
        "laos",
        ("handover_at_border",),
        82,
    ),
    StepTemplate(
        RETURN_STEP,
        "Escort home to the family, or placement in a shelter",
        "ພາກັບບ້ານຫາຄອບຄົວ ຫຼື ສົ່ງເຂົ້າເຮືອນພັກ",
        "laos",
        ("transit_centre_reception",),
        85,
    ),
    StepTemplate(
        "reintegration_follow_up",
        "Reintegration plan, follow-up visits and feedback to the partner abroad",
        "ແຜນເຊື່ອມໂຍງຄືນສູ່ສັງຄົມ, ຕິດຕາມຢ້ຽມຢາມ ແລະ ແຈ້ງຜົນຄືນຄູ່ຮ່ວມງານຕ່າງປະເທດ",
        "laos",
        (RETURN_STEP,),
        450,
    ),
)

# China -> Lao PDR: Chinese police hand over at Boten or Phou Lakkham to provincial police, often
# after months of detention; about a week in the Luang Namtha shelter, where the family is traced.
CHINA: tuple[StepTemplate, ...] = (
    _INTERVIEW,
    StepTemplate(
        "nationality_verification_travel_documents",
        "Nationality verification and travel documents",
        "ຢັ້ງຢືນສັນຊາດ ແລະ ເຮັດເອກະສານເດີນທາງ",
        "both",
        ("case_interview_documentation",),
        30,
    ),
    StepTemplate(
        "handover_at_border",
        "Handover to provincial police at Boten or Phou Lakkham",
        "ຮັບມອບຕົວໃຫ້ຕຳຫຼວດແຂວງ ຢູ່ດ່ານບໍ່ເຕັນ ຫຼື ພູຫຼັກຄຳ",
        "both",
        ("nationality_verification_travel_documents",),
        45,
    ),
    StepTemplate(
        "temporary_shelter_reception",
        "Reception at the temporary shelter in Luang Namtha (about one week)",
        "ຮັບຕົວເຂົ້າເຮືອນພັກຊົ່ວຄາວ ແຂວງຫຼວງນ້ຳທາ (ປະມານ 1 ອາທິດ)",
        "laos",
        ("handover_at_border",),
        47,
    ),
    StepTemplate(
        "family_tracing_and_assessment",
        "Family tracing and assessment",
        "ຊອກຫາ ແລະ ປະເມີນຄອບຄົວ",
        "laos",
        ("handover_at_border",),
        52,
    ),
    StepTemplate(
        RETURN_STEP,
        "Escort home to the family, or placement in a shelter",
        "ພາກັບບ້ານຫາຄອບຄົວ ຫຼື ສົ່ງເຂົ້າເຮືອນພັກ",
        "laos",
        ("temporary_shelter_reception", "family_tracing_and_assessment"),
        55,
    ),
    StepTemplate(
        "reintegration_follow_up",
        "Reintegration plan and follow-up visits",
        "ແຜນເຊື່ອມໂຍງຄືນສູ່ສັງຄົມ ແລະ ຕິດຕາມຢ້ຽມຢາມ",
        "laos",
        (RETURN_STEP,),
        420,
    ),
)

# Any other country (Malaysia, Japan, Korea, a ship at sea...): documents and the family
# assessment are prepared in parallel before the return, often through Wattay airport.
OTHER_COUNTRY: tuple[StepTemplate, ...] = (
    replace(_INTERVIEW, due_days=14),
    StepTemplate(
        "nationality_verification_travel_documents",
        "Nationality verification and travel documents",
        "ຢັ້ງຢືນສັນຊາດ ແລະ ເຮັດເອກະສານເດີນທາງ",
        "both",
        ("case_interview_documentation",),
        45,
    ),
    StepTemplate(
        "family_tracing_and_assessment",
        "Family tracing and assessment",
        "ຊອກຫາ ແລະ ປະເມີນຄອບຄົວ",
        "laos",
        ("case_interview_documentation",),
        45,
    ),
    StepTemplate(
        "handover_at_border",
        "Handover at the border or the airport",
        "ຮັບມອບຕົວຢູ່ດ່ານຊາຍແດນ ຫຼື ສະໜາມບິນ",
        "both",
        ("nationality_verification_travel_documents", "family_tracing_and_assessment"),
        60,
    ),
    StepTemplate(
        "transit_centre_reception",
        "Reception at the transit centre (up to about 7 days)",
        "ຮັບຕົວຢູ່ສູນຮັບ-ສົ່ງ (ບໍ່ເກີນ 7 ວັນ)",
        "laos",
        ("handover_at_border",),
        67,
    ),
    StepTemplate(
        RETURN_STEP,
        "Escort home to the family, or placement in a shelter",
        "ພາກັບບ້ານຫາຄອບຄົວ ຫຼື ສົ່ງເຂົ້າເຮືອນພັກ",
        "laos",
        ("transit_centre_reception",),
        70,
    ),
    StepTemplate(
        "reintegration_follow_up",
        "Reintegration plan, follow-up visits and feedback to the partner abroad",
        "ແຜນເຊື່ອມໂຍງຄືນສູ່ສັງຄົມ, ຕິດຕາມຢ້ຽມຢາມ ແລະ ແຈ້ງຜົນຄືນຄູ່ຮ່ວມງານຕ່າງປະເທດ",
        "laos",
        (RETURN_STEP,),
        435,
    ),
)

FLOWS: dict[RepatriationFlow, tuple[StepTemplate, ...]] = {
    RepatriationFlow.THAILAND_MOU: THAILAND_MOU,
    RepatriationFlow.CHINA: CHINA,
    RepatriationFlow.OTHER_COUNTRY: OTHER_COUNTRY,
}


def flow_steps(flow: str) -> tuple[StepTemplate, ...]:
    """The steps of `flow` in order (a RepatriationFlow or its code); KeyError for an unknown flow."""
    return FLOWS[flow]  # type: ignore[index]  # a TextChoices member hashes and compares as its code
