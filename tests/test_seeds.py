import json

import pytest

from accounts.models import District, Organisation, Province, Role, User
from seeds.demo import DEMO_LOGINS, DEMO_PASSWORD, create_demo_logins
from seeds.reference import DATA, load_reference
from shelters.models import Bed, Shelter

pytestmark = pytest.mark.django_db


def test_reference_data_is_complete(reference):
    assert Province.objects.count() == 18
    assert District.objects.count() == sum(
        len(p["districts"]) for p in json.loads((DATA / "geography.json").read_text())["provinces"]
    )
    vientiane = Province.objects.get(code="VT")
    assert (vientiane.number, vientiane.name_lo) == ("01", "ນະຄອນຫຼວງວຽງຈັນ")
    assert vientiane.districts.count() == 9
    assert all(
        district.code.startswith(district.province.number) for district in District.objects.select_related("province")
    )
    assert Organisation.objects.get(code="lwu-cpc").parent.code == "lwu"
    assert Shelter.objects.get(code="sengsavang-savannakhet").accepts_sexes == ["female"]


def test_loading_twice_changes_nothing(reference):
    before = {
        model: list(model.objects.order_by("pk").values()) for model in (Province, District, Organisation, Shelter, Bed)
    }
    counts = load_reference()
    assert counts == {}
    after = {
        model: list(model.objects.order_by("pk").values()) for model in (Province, District, Organisation, Shelter, Bed)
    }
    assert before == after


def test_a_changed_file_updates_only_what_changed(reference):
    Organisation.objects.filter(code="vfi").update(name_en="Old name")
    counts = load_reference()
    assert counts == {"organisation.updated": 1}
    assert Organisation.objects.get(code="vfi").name_en == "Village Focus International"


def test_there_is_one_demo_login_per_role_and_it_works(reference):
    create_demo_logins()
    create_demo_logins()  # idempotent
    demo_users = User.objects.filter(username__in=[login.username for login in DEMO_LOGINS])
    assert demo_users.count() == len(DEMO_LOGINS)
    assert {role for user in demo_users for role in user.roles} == set(Role.values)
    assert all(user.check_password(DEMO_PASSWORD) for user in demo_users)
