"""客商库 pages: scope, masking, refusals, and the register dialog's duplicate checks."""

import pytest
from django.urls import reverse

from baton.companies import services
from baton.companies.models import Company, CompanyEvent
from baton.projects.tests.helpers_views import HTMX, login

from .helpers import CATL, bad

LIST = reverse("companies:list")
NEW = reverse("companies:new")


@pytest.fixture
def catl(w):
    return services.company_create(
        actor=w.office,
        district=w.district,
        name="宁德时代新能源科技股份有限公司",
        uscc=CATL,
        contact_name="张三",
        contact_phone="13812345678",
    )


@pytest.fixture
def tongan(w):
    return services.company_create(
        actor=w.tongan_office, district=w.other_district, name="同安某某电子有限公司"
    )


def detail(company):
    return reverse("companies:detail", args=[company.pk])


def test_list_shows_only_the_district(client, w, catl, tongan):
    page = login(client, w.promoter).get(LIST).content.decode()
    assert catl.name in page and tongan.name not in page
    page = login(client, w.reviewer).get(LIST).content.decode()
    assert catl.name in page and tongan.name in page


def test_list_search_and_empty_state(client, w, catl):
    login(client, w.office)
    assert catl.name in client.get(LIST, {"q": CATL}).content.decode()
    assert "没有符合条件的企业" in client.get(LIST, {"q": "不存在的企业"}).content.decode()


def test_list_filtered_by_tag(client, w, catl):
    listed = services.company_create(
        actor=w.office, district=w.district, name="比亚迪", tags=["listed", "global500"]
    )
    page = login(client, w.office).get(LIST, {"tag": "global500"}).content.decode()
    assert listed.name in page and catl.name not in page


def test_empty_library_says_so(client, w):
    assert "客商库中还没有企业" in login(client, w.office).get(LIST).content.decode()


def test_other_districts_company_is_not_found(client, w, tongan):
    login(client, w.office)
    assert client.get(detail(tongan)).status_code == 404
    edit = reverse("companies:edit", args=[tongan.pk])
    assert client.post(edit, {"name": "改名"}).status_code == 404
    tongan.refresh_from_db()
    assert tongan.name == "同安某某电子有限公司"


def test_phone_masked_for_readers_full_for_writers(client, w, catl):
    assert "13812345678" in login(client, w.office).get(detail(catl)).content.decode()
    for reader in (w.leader, w.reviewer):
        page = login(client, reader).get(detail(catl)).content.decode()
        assert "13812345678" not in page and "138****5678" in page
        assert "13812345678" not in login(client, reader).get(LIST).content.decode()


def test_administrators_and_readers_refused(client, w, catl):
    for admin in (w.sys_admin, w.sec_admin, w.audit_admin):
        assert login(client, admin).get(LIST).status_code == 403
    login(client, w.leader)
    assert client.post(NEW, {"name": "某公司"}).status_code == 403
    assert client.get(reverse("companies:edit", args=[catl.pk])).status_code == 403
    assert Company.objects.count() == 1


def test_register_from_the_dialog(client, w):
    login(client, w.promoter)
    response = client.post(NEW, {"name": "比亚迪股份有限公司", "tags": ["listed"]}, **HTMX)
    company = Company.objects.get()
    assert response.headers["HX-Redirect"] == detail(company)
    assert company.district == w.district and company.tags == ["listed"]
    assert company.events.get().kind == CompanyEvent.Kind.CREATED


def test_bad_code_refused_on_the_form(client, w):
    response = login(client, w.promoter).post(NEW, {"name": "某公司", "uscc": bad(CATL)})
    assert response.status_code == 422 and "校验位不正确" in response.content.decode()
    assert not Company.objects.exists()


def test_taken_code_links_to_the_record(client, w, catl):
    response = login(client, w.promoter).post(NEW, {"name": "另一家", "uscc": CATL})
    assert response.status_code == 422
    assert f'href="{detail(catl)}"' in response.content.decode()
    assert Company.objects.count() == 1


def test_alike_name_asks_to_confirm(client, w, catl):
    login(client, w.promoter)
    response = client.post(NEW, {"name": "宁德时代新能源科技有限公司"})
    page = response.content.decode()
    assert response.status_code == 422 and f'href="{detail(catl)}"' in page
    assert 'type="checkbox" name="confirmed"' in page
    assert Company.objects.count() == 1
    client.post(NEW, {"name": "宁德时代新能源科技有限公司", "confirmed": "on"})
    assert Company.objects.count() == 2


def test_office_merges_a_duplicate(client, w, catl):
    drop = services.company_create(
        actor=w.office, district=w.district, name="宁德时代（厦门）", confirmed=True
    )
    merge = reverse("companies:merge", args=[catl.pk])
    assert (
        login(client, w.promoter).post(merge, {"drop": drop.pk, "confirm": "on"}).status_code == 403
    )
    login(client, w.office)
    client.post(merge, {"drop": drop.pk, "confirm": "on"})
    drop.refresh_from_db()
    assert drop.merged_into == catl
    page = client.get(detail(catl)).content.decode()
    assert "并入「宁德时代新能源科技股份有限公司」" in page and "合并重复记录" in page
    assert drop.name not in client.get(LIST).content.decode().split("曾用名")[0]


def test_menu_entry_for_business_roles_only(client, w):
    assert "客商库" in login(client, w.promoter).get(reverse("reports:home")).content.decode()
    assert "客商库" not in login(client, w.sys_admin).get(reverse("reports:home")).content.decode()


def test_the_card_lists_the_companys_projects_the_user_may_see(client, w, catl):
    from baton.testing import make_project

    mine = make_project(w, name="宁德时代电池项目", investor="某投资方", investor_uscc=CATL)
    named = make_project(w, name="宁德时代储能项目", investor="宁德时代新能源科技股份有限公司")
    other = make_project(
        w, unit=w.other_town, actor=w.other_promoter, name="新店储能项目", investor_uscc=CATL
    )
    unrelated = make_project(w, name="无关项目", investor="另一家公司")
    page = login(client, w.promoter).get(detail(catl)).content.decode()
    assert mine.name in page and named.name in page
    assert other.name not in page and unrelated.name not in page
    assert other.name in login(client, w.office).get(detail(catl)).content.decode()


def test_edit_records_the_change_and_masks_the_phone_for_readers(client, w, catl):
    edit = reverse("companies:edit", args=[catl.pk])
    login(client, w.promoter)
    form = client.get(edit).content.decode()
    assert 'value="13812345678"' in form and "宁德时代新能源科技股份有限公司" in form
    data = {"name": catl.name, "uscc": CATL, "size": "large", "contact_phone": "13900001111"}
    assert client.post(edit, data).status_code == 302
    catl.refresh_from_db()
    assert catl.size == "large" and catl.contact_phone == "13900001111"
    assert catl.contact_name == ""  # the form sent it blank: an edit sets every field
    page = login(client, w.leader).get(detail(catl)).content.decode()
    assert "修改企业信息" in page and "139****1111" in page and "13900001111" not in page
    assert "13812345678" not in page
