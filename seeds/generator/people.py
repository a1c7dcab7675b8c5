"""People: who they are (sex, age, origin, languages), a second registration of the same person
under another spelling, family members (a guardian for every child), and their case codes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import connection

from accounts.models import Province
from casework.ages import is_child_on, whole_years
from casework.choices import CaseCategory, Relationship, Sex
from casework.models import FamilyMember, Person
from seeds.generator.base import Part
from seeds.generator.copy import Batch, build
from seeds.generator.names import FAMILY, GIVEN_FEMALE, GIVEN_MALE, HMONG_FAMILY, RESPELLINGS, VILLAGES
from seeds.generator.staff import CENTRAL_OWNERS, OWNERS_BY_ORIGIN

YEARS_OF_DATA = 6
# fmt: off
CATEGORIES = (
    (CaseCategory.TRAFFICKING, 35), (CaseCategory.RISK_GROUP, 30), (CaseCategory.DOMESTIC_VIOLENCE, 10),
    (CaseCategory.VULNERABLE, 8), (CaseCategory.CHILD_LABOUR, 7), (CaseCategory.SEXUAL_EXPLOITATION, 6),
    (CaseCategory.RAPE, 4),
)
# Shares of children and of women and girls per category: about 1/3 children, 3/4 female overall.
CHILD_SHARE = {
    CaseCategory.TRAFFICKING: 0.25, CaseCategory.RISK_GROUP: 0.25, CaseCategory.DOMESTIC_VIOLENCE: 0.10,
    CaseCategory.VULNERABLE: 0.95, CaseCategory.CHILD_LABOUR: 0.95, CaseCategory.SEXUAL_EXPLOITATION: 0.35,
    CaseCategory.RAPE: 0.50,
}
FEMALE_SHARE = {
    CaseCategory.TRAFFICKING: 0.75, CaseCategory.RISK_GROUP: 0.70, CaseCategory.DOMESTIC_VIOLENCE: 0.95,
    CaseCategory.VULNERABLE: 0.50, CaseCategory.CHILD_LABOUR: 0.45, CaseCategory.SEXUAL_EXPLOITATION: 0.95,
    CaseCategory.RAPE: 0.97,
}
ORIGIN_PROVINCES = (
    ("SV", 18), ("CH", 14), ("VT", 10), ("LM", 8), ("BK", 8), ("VI", 6), ("KH", 6), ("SL", 5), ("OU", 4),
    ("LP", 4), ("XA", 3), ("BL", 3), ("PH", 2), ("HO", 2), ("XI", 2), ("XE", 2), ("AT", 2), ("XS", 1),
)
# fmt: on
NATIONALITIES = (("LA", 960), ("VN", 15), ("TH", 10), ("CN", 5), ("MM", 5), ("XX", 5))
ETHNICITIES = (("lao", 55), ("khmu", 15), ("hmong", 10), ("phouthay", 6), ("tai", 4), ("akha", 3), ("katang", 3))
LANGUAGE_OF = {"khmu": "kjg", "hmong": "hnj", "akha": "ahk", "VN": "vi", "TH": "th", "CN": "zh", "MM": "my"}
REPATRIATION_SHARE = 0.15


class People(Part):
    def person(self, *, registered_on: date | None = None) -> tuple[Person, dict[str, Any]]:
        """A new person and the facts their first case starts from (category, owner, worker,
        repatriated). Registered on `registered_on`, else on a day of the last six years (recent
        years more often)."""
        category = self.pick(CATEGORIES)
        female = self.chance(FEMALE_SHARE[category])
        sex = Sex.FEMALE if female else (Sex.OTHER if self.chance(0.01) else Sex.MALE)
        child = self.chance(CHILD_SHARE[category])
        if child:
            age = self.rng.randint(6 if category == CaseCategory.VULNERABLE else 10, 17)
        else:
            age = min(18 + int(self.rng.expovariate(1 / 8)), 65)
        if registered_on is None:
            registered_on = self.today - timedelta(days=int(self.rng.triangular(0, 365 * YEARS_OF_DATA, 0)))
        repatriated = category == CaseCategory.TRAFFICKING and self.chance(REPATRIATION_SHARE)
        origin = self.pick(ORIGIN_PROVINCES)
        owners: Sequence[tuple[str, int]] = OWNERS_BY_ORIGIN.get(origin, CENTRAL_OWNERS)
        if repatriated and self.chance(0.4):
            owners = (("mlsw-transit-centre", 1),)
        owner = self.ref.organisations[self.pick(owners)]
        worker = self.rng.choice(self.staff.workers[owner.code])  # registers the person, opens the case
        nationality = self.pick(NATIONALITIES)
        ethnicity = self.pick(ETHNICITIES) if nationality == "LA" else "foreign"
        given = self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        family = self.rng.choice(HMONG_FAMILY if ethnicity == "hmong" else FAMILY)
        province = self.ref.provinces[origin]
        born = registered_on - timedelta(days=365 * age + self.rng.randint(0, 364))
        person = build(
            Person,
            id=self.uuid(),
            registration_province_id=self.ref.registers_in[owner.code],
            registered_on=registered_on,
            given_name_latin=given[0],
            family_name_latin=family[0],
            given_name_lo=given[1],
            family_name_lo=family[1],
            sex=sex,
            nationality_id=nationality,
            ethnicity_id=ethnicity if ethnicity in self.ref.ethnicities else None,
            origin_province_id=province.pk if nationality == "LA" else None,
            origin_district_id=self.rng.choice(self.ref.districts[province.pk]) if nationality == "LA" else None,
            origin_village=self.rng.choice(VILLAGES) if nationality == "LA" and self.chance(0.7) else "",
            created_by_id=worker.pk,
            created_at=self.at(registered_on),
        )
        self.birth(person, born)
        self.languages(person, nationality, ethnicity)
        person.updated_at = person.created_at
        person.index_names()  # COPY skips save(), which does it otherwise
        return person, {"category": category, "owner": owner, "worker": worker, "repatriated": repatriated}

    def birth(self, person: Person, born: date) -> None:
        roll = self.rng.random()
        if roll < 0.80:
            person.date_of_birth = born
        elif roll < 0.88:  # only the year is known
            person.date_of_birth, person.birth_date_estimated = date(born.year, 7, 1), True
        else:
            person.estimated_age = whole_years(born, person.registered_on)
            person.age_estimated_on = person.registered_on

    def languages(self, person: Person, nationality: str, ethnicity: str) -> None:
        own = LANGUAGE_OF.get(nationality if nationality != "LA" else ethnicity)
        person.languages = ["lo"] if nationality == "LA" else []
        if own:
            person.languages.append(own)
        needs = nationality != "LA" or (own is not None and self.chance(0.3))
        if needs and own:
            person.interpreter_needed, person.interpreter_language = True, own

    def registered_again(self, first: Person, facts: dict[str, Any]) -> tuple[Person, dict[str, Any]]:
        """The same person registered a second time elsewhere, the name romanised differently:
        what casework.duplicates exists to find."""
        person, new_facts = self.person()
        for name in ("sex", "nationality_id", "ethnicity_id", "origin_province_id", "origin_district_id"):
            setattr(person, name, getattr(first, name))
        for name in ("given_name_lo", "family_name_lo", "languages", "interpreter_needed", "interpreter_language"):
            setattr(person, name, getattr(first, name))
        person.given_name_latin = self.respell(first.given_name_latin)
        person.family_name_latin = self.respell(first.family_name_latin)
        if self.chance(0.3):  # given and family name swapped on the other document
            person.given_name_latin, person.family_name_latin = person.family_name_latin, person.given_name_latin
        person.date_of_birth, person.birth_date_estimated = first.date_of_birth, first.birth_date_estimated
        person.estimated_age = person.age_estimated_on = None
        if first.estimated_age is not None and first.age_estimated_on is not None:
            born = first.age_estimated_on - timedelta(days=365 * first.estimated_age)
            person.estimated_age = max(0, whole_years(born, person.registered_on))
            person.age_estimated_on = person.registered_on
        person.index_names()
        return person, {**new_facts, "category": facts["category"], "repatriated": False}

    def respell(self, name: str) -> str:
        lowered = name.lower()
        for spelling, other in self.rng.sample(RESPELLINGS, 3):
            lowered = lowered.replace(spelling, other)
        return lowered.capitalize()

    def family(self, batch: Batch, person: Person) -> FamilyMember | None:
        """A parent or grandparent as guardian for a child; for some adults a relative."""
        if is_child_on(person, person.registered_on):
            relationship = self.pick(
                ((Relationship.MOTHER, 6), (Relationship.FATHER, 2), (Relationship.GRANDPARENT, 2))
            )
            guardian = True
        elif self.chance(0.3):
            relationship = self.pick(((Relationship.SPOUSE, 4), (Relationship.SIBLING, 4), (Relationship.MOTHER, 2)))
            guardian = False
        else:
            return None
        return self.relative(batch, person, relationship, guardian=guardian)

    def relative(self, batch: Batch, person: Person, relationship: str, *, guardian: bool) -> FamilyMember:
        female = relationship == Relationship.MOTHER or (relationship != Relationship.FATHER and self.chance(0.6))
        given = self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)[0]
        family = person.family_name_latin if relationship != Relationship.SPOUSE else self.rng.choice(FAMILY)[0]
        member = build(
            FamilyMember,
            id=self.uuid(),
            person_id=person.pk,
            relationship=relationship,
            name=f"{given} {family}",
            is_guardian=guardian,
            lives_in_village_of_origin=self.chance(0.8),
        )
        batch.add(member)
        return member


def allocate_case_codes(people: Sequence[Person]) -> None:
    """Give every person of the batch the next gap-free code of its province and year: one
    UPSERT adds each group's size to its counter and returns the new last number, so the group
    takes the range just below it. The counter rows stay locked until the batch commits."""
    groups: dict[tuple[int, int], list[Person]] = defaultdict(list)
    for person in people:
        groups[(person.registration_province_id, person.registered_on.year)].append(person)
    keys = sorted(groups)  # one lock order for every writer
    values = ", ".join(["(%s, %s, %s)"] * len(keys))
    params = [value for key in keys for value in (*key, len(groups[key]))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO casework_casecodecounter (province_id, year, last_number) VALUES {values}
            ON CONFLICT (province_id, year)
            DO UPDATE SET last_number = casework_casecodecounter.last_number + EXCLUDED.last_number
            RETURNING province_id, year, last_number
            """,  # noqa: S608 - placeholders only
            params,
        )
        last = {(province_id, year): number for province_id, year, number in cursor.fetchall()}
    codes = {p.pk: p.code for p in Province.objects.filter(pk__in={k[0] for k in keys})}
    for key in keys:
        members = sorted(groups[key], key=lambda p: (p.registered_on, p.created_at))
        first = last[key] - len(members) + 1
        for offset, person in enumerate(members):
            person.case_code = f"{codes[key[0]]}-{key[1]}-{first + offset:05d}"
