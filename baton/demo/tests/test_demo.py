import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction

from baton.__main__ import main
from baton.accounts.models import User
from baton.demo import people, seed
from baton.projects.models import Project, ReviewState
from baton.projects.periods import check_periods

SEED_PARAGRAPH = (
    "截至2019年8月31日，厦门翔安区上报并经市招商办审核入库招商项目119个，投资总额1126.106亿元。"
    "其中，策划项目8个，总投资118.15亿元；意向项目6个，总投资42.22亿元；"
    "在谈项目70个，总投资409.88亿元；落地项目35个，总投资555.85亿元。"
)
SEED_FILE = Path(__file__).resolve().parents[4] / "shared" / "seed" / "000_96a9b34c4f9b339f.txt"


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed.load_demo()
        transaction.set_rollback(True)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_it_reproduces_the_seed_report(demo_db):
    text = run("report", "--district", "350213", "--as-of", "2019-08-31")
    assert text == SEED_PARAGRAPH


@pytest.mark.django_db
@pytest.mark.skipif(not SEED_FILE.exists(), reason="shared/seed is not beside the checkout")
def test_it_matches_the_seed_file_after_nfkc(demo_db):
    seed_text = SEED_FILE.read_text(encoding="utf-8")
    paragraph = re.search(r"截至上月底.*?555\.85亿元。", seed_text).group(0)
    expected = unicodedata.normalize("NFKC", paragraph).replace("截至上月底", "截至2019年8月31日")
    text = run("report", "--district", "350213", "--as-of", "2019-08-31")
    assert unicodedata.normalize("NFKC", text) == expected


@pytest.mark.django_db
def test_it_gives_the_same_figures_as_json(demo_db):
    data = json.loads(
        run("report", "--district", "350213", "--as-of", "2019-08-31", "--format", "json")
    )
    assert data["total"] == {"count": 119, "investment_wan": "11261060"}
    assert [(s["stage"], s["count"], s["investment_wan"]) for s in data["stages"]] == [
        ("策划", 8, "1181520"),
        ("意向", 6, "422210"),
        ("在谈", 70, "4098810"),
        ("落地", 35, "5558520"),
    ]
    assert data["scope"] == {"kind": "district", "code": "350213", "name": "厦门翔安区"}


@pytest.mark.django_db
def test_it_holds_projects_that_must_not_count(demo_db):
    xiangan = Project.objects.filter(district__code="350213")
    states = set(xiangan.values_list("review_state", flat=True))
    assert states == set(ReviewState.values)
    admitted_late = xiangan.filter(admitted_at__date__gt="2019-08-31").count()
    assert admitted_late >= 3
    assert xiangan.filter(stage__code="stopped").count() >= 4
    later = run("report", "--district", "350213", "--as-of", "2019-12-31")
    assert later != SEED_PARAGRAPH and "截至2019年12月31日" in later


@pytest.mark.django_db
def test_it_keeps_periods_consistent_with_events(demo_db):
    result = check_periods()
    assert result.projects == Project.objects.count() and result.differences == 0


@pytest.mark.django_db
def test_it_is_idempotent(demo_db):
    before = (Project.objects.count(), User.objects.count())
    again = seed.load_demo()
    assert not again.created
    assert (Project.objects.count(), User.objects.count()) == before


@pytest.mark.django_db
def test_it_prints_fresh_strong_passwords(demo_db):
    first = {u: p for u, _, _, p in people.demo_accounts()}
    second = {u: p for u, _, _, p in people.demo_accounts()}
    assert set(first) == {row[0] for row in people.DEMO_ACCOUNTS}
    for username, password in first.items():
        user = User.objects.get(username=username)
        validate_password(password, user)
        assert password != second[username]
        assert user.check_password(second[username])
    # The units' working accounts cannot log in at all.
    assert not User.objects.filter(username__startswith="unit").first().has_usable_password()
    assert not User.objects.filter(password="").exists()


@pytest.mark.django_db
def test_the_coordinating_departments_answer_the_problems_assigned_to_them(demo_db):
    from baton.org.models import Unit
    from baton.projects.selectors import project_list
    from baton.supervision.selectors import problem_list
    from baton.todo.selectors import todo_items

    people.demo_accounts()
    for username in ("zr_coordinator", "sthj_coordinator", "gd_coordinator"):
        user = User.objects.get(username=username)
        assert user.is_coordinating and user.role_label == "协调部门"
        problems = list(problem_list(user=user))
        assert problems, username
        assert {p.responsible_unit_id for p in problems} == {user.unit_id}
        assert not project_list(user=user).exists()
    # 自然资源局 also has the living demo's recent obstacles: a to-do on first login.
    assert todo_items(User.objects.get(username="zr_coordinator"), dt.date.today())
    coordinating = Unit.objects.coordinating()
    assert not Project.objects.filter(unit__in=coordinating).exists()
    assert not Project.co_units.through.objects.filter(unit__in=coordinating).exists()


# Last in the module: the console script closes the database connection when it ends,
# and the module's demo lives in that connection's transaction.
@pytest.mark.django_db
def test_the_console_script_takes_hyphenated_commands(demo_db, capsys):
    main(["baton", "check-periods"])
    assert "差异 0 个" in capsys.readouterr().out
