"""The company library's services: checks, duplicates, events, enrichment and merge."""

import pytest
from django.core.exceptions import ValidationError

from baton.companies import services
from baton.companies.industry import clean_industry_code
from baton.companies.models import Company, CompanyEvent
from baton.companies.names import name_key

from .helpers import BYD, CATL, bad


def create(w, actor=None, **values):
    values.setdefault("name", "宁德时代新能源科技股份有限公司")
    return services.company_create(actor=actor or w.office, district=w.district, **values)


def test_name_key_drops_forms_and_brackets():
    assert name_key("宁德时代新能源科技股份有限公司") == "宁德时代新能源科技"
    assert name_key("ＡＢＣ（中国）投资有限公司") == "abc投资"
    assert name_key("比亚迪集团") == name_key("比亚迪股份有限公司") == "比亚迪"


@pytest.mark.parametrize(
    ("value", "expected"), [("c3841", "C3841"), ("3841", "C3841"), ("I65", "I65"), ("", "")]
)
def test_industry_code_accepted(value, expected):
    assert clean_industry_code(value) == expected


@pytest.mark.parametrize("value", ["C12", "Z01", "C3841X", "38A", "K71"])
def test_industry_code_refused(value):
    with pytest.raises(ValidationError):
        clean_industry_code(value)


def test_create_writes_the_created_event(w):
    company = create(w, uscc=CATL.lower(), region="福建省宁德市", industry_code="3841")
    assert company.uscc == CATL and company.region == "350900" and company.industry_code == "C3841"
    event = company.events.get()
    assert event.kind == CompanyEvent.Kind.CREATED and event.actor == w.office
    assert event.new["uscc"] == CATL


@pytest.mark.parametrize(
    ("field", "value"), [("uscc", bad(CATL)), ("region", "火星"), ("industry_code", "C99")]
)
def test_bad_values_refused_and_nothing_written(w, field, value):
    with pytest.raises(ValidationError) as exc:
        create(w, **{field: value})
    assert field in exc.value.message_dict
    assert not Company.objects.exists() and not CompanyEvent.objects.exists()


def test_same_credit_code_refused_with_the_record_kept(w):
    kept = create(w, uscc=CATL)
    with pytest.raises(services.CodeTaken) as exc:
        create(w, actor=w.promoter, name="另一个名字有限公司", uscc=CATL)
    assert exc.value.company == kept and exc.value.url.endswith(f"/companies/{kept.pk}/")
    assert Company.objects.count() == 1


def test_same_code_in_another_district_named_without_a_link(w):
    create(w, uscc=CATL)
    with pytest.raises(services.CodeTaken) as exc:
        services.company_create(
            actor=w.tongan_office, district=w.other_district, name="宁德时代", uscc=CATL
        )
    assert exc.value.url == "" and "翔安区" in exc.value.messages[0]


def test_alike_name_warns_until_confirmed(w):
    create(w, former_names=["宁德新能源有限公司"])
    with pytest.raises(services.DuplicateName):
        create(w, name="宁德时代新能源科技有限公司")
    with pytest.raises(services.DuplicateName):  # alike to the former name
        create(w, name="（厦门）宁德新能源股份有限公司")
    create(w, name="宁德时代新能源科技有限公司", confirmed=True)
    assert Company.objects.count() == 2


def test_update_records_old_and_new(w):
    company = create(w, contact_phone="13812345678")
    services.company_update(company=company, actor=w.promoter, size="large", tags=["listed"])
    event = company.events.get(kind=CompanyEvent.Kind.UPDATED)
    assert event.old == {"size": "", "tags": []}
    assert event.new == {"size": "large", "tags": ["listed"]}


def test_update_to_a_taken_code_refused(w):
    create(w, uscc=CATL)
    other = create(w, name="比亚迪股份有限公司", uscc=BYD)
    with pytest.raises(services.CodeTaken):
        services.company_update(company=other, actor=w.office, uscc=CATL)
    other.refresh_from_db()
    assert other.uscc == BYD and other.events.count() == 1


def test_enrich_fills_empty_fields_only(w):
    company = create(w, contact_name="张三", tags=["listed"])
    filled = services.company_enrich(
        company=company,
        actor=w.office,
        values={"contact_name": "李四", "size": "large", "tags": ["chain_leader"], "uscc": CATL},
        note="导入",
    )
    company.refresh_from_db()
    assert company.contact_name == "张三" and company.size == "large" and company.uscc == CATL
    assert company.tags == ["listed", "chain_leader"]
    assert set(filled) == {"size", "tags", "uscc"}
    assert company.events.filter(kind=CompanyEvent.Kind.ENRICHED).count() == 1


def test_merge_keeps_both_timelines(w):
    keep = create(w, uscc=CATL)
    drop = create(w, name="宁德时代（福建）", contact_name="王五", confirmed=True)
    services.company_merge(keep=keep, drop=drop, actor=w.office)
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert drop.merged_into == keep
    assert "宁德时代（福建）" in keep.former_names and keep.contact_name == "王五"
    assert keep.events.filter(kind=CompanyEvent.Kind.MERGED).exists()
    assert drop.events.filter(kind=CompanyEvent.Kind.MERGED).exists()


def test_merge_of_different_codes_refused(w):
    keep = create(w, uscc=CATL)
    drop = create(w, name="比亚迪股份有限公司", uscc=BYD)
    with pytest.raises(ValidationError):
        services.company_merge(keep=keep, drop=drop, actor=w.office)
    drop.refresh_from_db()
    assert drop.merged_into is None and not CompanyEvent.objects.filter(kind="merged").exists()


def test_a_code_registered_at_the_same_moment_is_refused_not_a_crash(w, monkeypatch):
    kept = create(w, uscc=CATL)
    # The other registration checked before this one was saved: only the database sees it.
    monkeypatch.setattr(services, "_check_duplicates", lambda *args, **kwargs: None)
    with pytest.raises(services.CodeTaken) as exc:
        create(w, actor=w.promoter, name="另一家", uscc=CATL)
    assert exc.value.company == kept and Company.objects.count() == 1
