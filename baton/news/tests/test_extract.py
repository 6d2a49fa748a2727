from decimal import Decimal

import pytest

from baton.news.extract import extract, published, stated_as_of
from baton.news.numbers import cn_to_int, to_wan
from baton.news.reading import normalise

SEED = (
    "2019-09-08 10:55:58 来源: 厦门日报\n"
    "截至上月底，厦门翔安区上报并经市招商办审核入库招商项目119个，投资总额1126.106亿元。"
    "其中，策划项目8个，总投资118.15亿元；意向项目6个，总投资42.22亿元；在谈项目70个，"
    "总投资409.88亿元；落地项目35个，总投资555.85亿元。\n"
    "一支“5+12+6”（5个镇街、12个行业部门、6个指挥部）的招商团队。"
)


def groups(text):
    return [(g.kind, g.count, g.as_json()["investment_wan"], g.of) for g in extract(text).groups]


def test_it_reads_the_seed_paragraph_with_its_subsets():
    reading = extract(SEED)
    assert reading.as_json()["date"] == "2019-09-08"
    assert reading.as_json()["as_of"] == "2019-08-31"
    assert reading.place.code == "350213"
    assert groups(SEED) == [
        ("入库", 119, "11261060", None),
        ("策划", 8, "1181500", "入库"),
        ("意向", 6, "422200", "入库"),
        ("在谈", 70, "4098800", "入库"),
        ("落地", 35, "5558500", "入库"),
    ]


def test_it_reads_full_width_and_traditional_text_the_same():
    wide = SEED.translate({i: i + 0xFEE0 for i in range(0x21, 0x7F)})
    traditional = wide.replace("厦门", "廈門").replace("项目", "項目").replace("总投资", "總投資")
    assert groups(traditional) == groups(SEED)
    assert len(normalise(traditional)) == len(traditional)


@pytest.mark.parametrize(
    ("text", "wan"),
    [
        ("一百二十", Decimal("1200000")),
        ("两千零五", Decimal("20050000")),
        ("十二", Decimal("120000")),
    ],
)
def test_it_reads_chinese_numerals_in_yi(text, wan):
    assert to_wan(text, "亿") == wan


def test_it_keeps_amounts_exact():
    assert to_wan("1126.106", "亿") == Decimal("11261060.000")
    assert to_wan("1,200", "万") == Decimal("1200")
    assert to_wan("5", "千万") == Decimal("5000")
    assert cn_to_int("一二三") == 123
    assert cn_to_int("十万") == 100000
    assert cn_to_int("一百x") is None


def test_it_reads_counts_after_and_before_the_word_project():
    text = (
        "1至3月，我区签约文旅、工业等产业项目9个，协议引资67.7亿元……先后有3个项目开工建设，"
        "项目实际到位投资总计1.85亿。我区还策划储备了45个项目，其中，上亿元项目20个。"
    )
    assert groups(text) == [
        ("签约", 9, "677000", None),
        ("开工", 3, "18500", None),
        ("策划", 45, None, None),
        ("其他", 20, None, "策划"),
    ]
    assert extract(text).groups[-1].label == "上亿元"


def test_it_reads_a_count_without_ge_and_an_approximate_amount():
    text = "1-8月份跟踪在谈项目累计40，拟投资总额约150亿元人民币。"
    assert groups(text) == [("在谈", 40, "1500000", None)]


def test_it_takes_no_output_or_tax_for_investment():
    text = "新开工项目10个，预计年产值50亿元。"
    assert groups(text) == [("开工", 10, None, None)]


def test_it_counts_nothing_but_projects():
    assert groups("组建5个镇街、12个行业部门的团队，占项目总数的72%。") == []


def test_it_reads_companies_with_amount_stage_and_credit_code():
    text = (
        "3月5日，翔安區與廈門天馬微電子有限公司簽約，總投資一百二十億元；"
        "厦门象屿集团有限公司（统一社会信用代码91350200260130346B）拟投资5千万元建设物流园。"
        "该公司表示，将引进更多龙头企业集团。"
    )
    companies = [c.as_json() for c in extract(text).companies]
    assert companies == [
        {"name": "厦门天马微电子有限公司", "amount_wan": "1200000", "stage": "签约"},
        {
            "name": "厦门象屿集团有限公司",
            "amount_wan": "5000",
            "stage": None,
            "uscc": "91350200260130346B",
        },
    ]


def test_it_drops_a_credit_code_whose_check_character_is_wrong():
    text = "厦门象屿集团有限公司（统一社会信用代码91350200260130346C）"
    assert extract(text).companies[0].uscc == ""


def test_it_reads_the_dates():
    assert str(published("发布日期：2018-09-19\n……2017年1月2日")) == "2018-09-19"
    assert str(published("近日，2021年3月9日，……")) == "2021-03-09"
    day = published("2019-09-08")
    assert str(stated_as_of("截至2019年6月底，", day)) == "2019-06-30"
    assert str(stated_as_of("1-8月份，签约项目29个", day)) == "2019-08-31"
    assert str(stated_as_of("今年以来", day)) == "2019-08-31"
    assert str(stated_as_of("截至11月20日", day)) == "2018-11-20"


def test_a_subset_list_ends_at_a_semicolon_before_a_figure_unlike_it():
    text = "新签约项目32个,总投资97.86亿元,其中5亿元以上项目8个;新开工项目26个,总投资88.38亿元。"
    assert groups(text) == [
        ("签约", 32, "978600", None),
        ("其他", 8, None, "签约"),
        ("开工", 26, "883800", None),
    ]


def test_baohan_makes_subsets_and_quotes_hold_no_count():
    text = "集中开工项目47个。开工项目包含产业化项目36个,民生项目4个。“五个一批”项目149个。"
    assert groups(text) == [
        ("开工", 47, None, None),
        ("其他", 36, None, "开工"),
        ("其他", 4, None, "开工"),
        ("其他", 149, None, None),
    ]


def test_a_branch_is_one_company():
    names = [c.name for c in extract("与中广核风电有限公司华南分公司签订协议。").companies]
    assert names == ["中广核风电有限公司华南分公司"]


def test_it_names_the_most_specific_place_most_named():
    from baton.news.places import Place, find_place

    nav = "福州|厦门|莆田|泉州|漳州\n厦门翔安：……翔安区入库项目……翔安"
    assert find_place(nav).code == "350213"
    assert find_place("淮南经开区 2018年招商情况，淮南市").code == "340400"
    assert find_place("今日无事") is None
    extra = (Place("999901", "示例区", 3),)
    assert find_place("示例区签约项目3个", extra).code == "999901"
