"""The HTCDS v2.0 mapping of perpetrators (docs/legal.md): every role and relation code maps to a
value of the standard's list for its field, and every value of per_RoleInProcess is reachable."""

import json
from pathlib import Path

from casework.choices import PERPETRATOR_ROLE_HTCDS, RELATION_HTCDS, PerpetratorRelation, PerpetratorRole

FIELDS = json.loads((Path(__file__).parent.parent / "fixtures" / "htcds_v2_fields.json").read_text())["fields"]


def test_every_role_maps_to_a_value_of_per_role_in_process_and_back():
    assert set(PERPETRATOR_ROLE_HTCDS) == set(PerpetratorRole.values)
    assert set(PERPETRATOR_ROLE_HTCDS.values()) == set(FIELDS["per_RoleInProcess"]["values"])


def test_every_known_relation_maps_to_the_victims_relationship_to_the_trafficker():
    assert set(RELATION_HTCDS) == set(PerpetratorRelation.values) - {"unknown"}
    assert set(RELATION_HTCDS.values()) <= set(FIELDS["vic_RelationshipToTrafficker"]["values"])
