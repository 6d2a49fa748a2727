import json

from baton.news.quality import CORPUS, score_corpus


def test_the_corpus_is_read_to_its_targets():
    score = score_corpus()
    assert score.files >= 30
    assert score.groups_expected >= 60
    assert score.groups_right == score.groups_expected == score.groups_found, score.lines()
    assert score.company_recall >= 0.9 and score.company_precision >= 0.9, score.lines()
    assert score.dates_right == score.dates_checked


def test_every_corpus_paragraph_names_its_source():
    for path in CORPUS.glob("*.json"):
        item = json.loads(path.read_text(encoding="utf-8"))
        assert item["source"] and item["text"].strip(), path.name
        assert set(item["expected"]) >= {"groups", "companies"}, path.name


def test_the_score_counts_a_wrong_amount_as_a_miss(tmp_path):
    item = json.loads((CORPUS / "seed-xiangan.json").read_text(encoding="utf-8"))
    item["expected"]["groups"][1]["investment_wan"] = "1181520"
    item["expected"]["companies"].append({"name": "厦门某某有限公司", "amount_wan": None})
    (tmp_path / "seed.json").write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
    score = score_corpus(tmp_path)
    assert (score.groups_right, score.groups_expected) == (4, 5)
    assert score.company_recall == 0
    assert any("漏读企业 厦门某某有限公司" in line for line in score.lines())


def test_the_later_paragraphs_are_read_to_the_same_targets():
    score = score_corpus(CORPUS / "heldout")
    assert score.files >= 8
    assert score.groups_right == score.groups_expected == score.groups_found, score.lines()
    assert score.company_recall >= 0.9 and score.company_precision >= 0.9, score.lines()
