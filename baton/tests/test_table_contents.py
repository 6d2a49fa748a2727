"""``baton.testing.table_contents``: the one-query snapshot the hostile-input tests compare."""

from decimal import Decimal

from baton.projects.models import Project
from baton.testing import make_project, table_contents


def test_it_sees_a_row_added_changed_and_removed(w):
    before = table_contents()
    project = make_project(w, name="测试项目")
    added = table_contents()
    Project.objects.filter(pk=project.pk).update(name="测试项目（改）")
    changed = table_contents()
    Project.objects.filter(pk=project.pk).update(name="测试项目")

    assert added != before
    assert changed["projects.project"] != added["projects.project"]
    # (the library's version counter moves on every write: only the project's row is back)
    assert table_contents()["projects.project"] == added["projects.project"]


def test_it_reads_the_same_twice_and_leaves_out_what_it_is_told(w):
    project = make_project(w, name="测试项目")
    skip = frozenset({"projects.project", "projects.libraryversion", "projects.pageversion"})
    before = table_contents(skip=skip)
    Project.objects.filter(pk=project.pk).update(investment=project.investment + Decimal(1))

    assert table_contents(skip=skip) == before
    assert "projects.project" not in before
    assert table_contents() == table_contents()
