"""Reads of schemes and rankings, scoped by the user in one place; the red and black lists.

Who sees what (DESIGN §1):

- the district office manages its district's schemes: drafts, published ones and every
  ranking of them, trial runs (试算) included;
- the district's leaders and its units' promoters read the published schemes (the rules
  they are assessed by) and the published rankings of their district; a city leader and
  the city reviewer those of every district of the city;
- a city scheme (ranking the city's districts) is managed by the city office (市招商办,
  the city reviewer) of its city, drafts and trial runs included; everyone else of the
  city reads it once published;
- the three administrators see nothing (三员分立).

Outside a user's scope an object does not exist for them (404, never 403).
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from baton.accounts.areas import area_of
from baton.accounts.models import User

from .models import Indicator, Ranking, RankingLine, Scheme

Role = User.Role


def _district_condition(user: User, prefix: str = "") -> Q | None:
    """Return the condition on a scheme's district the user reads, or None for nothing.

    The assessment is the district's: a unit's area counts as its whole district.
    """
    area = area_of(user)
    return None if area.is_empty else area.district_q(prefix)


def _read_condition(user: User, prefix: str = "", status: str = "published") -> Q | None:
    """The schemes (through ``prefix``) the user reads: district schemes of the user's
    area, drafts only to the district's office; city schemes of the user's city, drafts
    only to the city office."""
    area = area_of(user)
    if area.is_empty:
        return None
    published = Q(**{f"{prefix}status": status})
    district = area.district_q(prefix) & Q(**{f"{prefix}district__isnull": False})
    if user.role != Role.DISTRICT_OFFICE:
        district &= published
    city = Q(**{f"{prefix}city_id": area.city_id, f"{prefix}district__isnull": True})
    if user.role != Role.CITY_REVIEWER:
        city &= published
    return district | city


def manages(user: User, scheme: Scheme) -> bool:
    """The district office of the scheme's district manages it (drafts, scores, rankings);
    a city scheme, the city office (市招商办) of its city."""
    if not user.is_authenticated:
        return False
    if scheme.is_city:
        return (
            user.role == Role.CITY_REVIEWER
            and user.city_id is not None
            and user.city_id == scheme.city_id
        )
    return (
        user.role == Role.DISTRICT_OFFICE
        and user.district_id is not None
        and user.district_id == scheme.district_id
    )


def may_manage_any(user: User) -> bool:
    """A district office (its district's schemes) or a city office (its city's)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.CITY_REVIEWER:
        return bool(user.city_id)
    return user.role == Role.DISTRICT_OFFICE and bool(user.district_id)


def scheme_list(*, user: User, period_kind: str | None = None) -> QuerySet[Scheme]:
    """Return the schemes the user may see: drafts only to the office that owns them."""
    where = _read_condition(user)
    if where is None:
        return Scheme.objects.none()
    schemes = Scheme.objects.filter(where).select_related("city", "district", "published_by")
    if period_kind:
        schemes = schemes.filter(period_kind=period_kind)
    return schemes.annotate(
        unit_count=Count("units", distinct=True), indicator_count=Count("indicators", distinct=True)
    ).order_by("status", F("district__code").asc(nulls_first=True), "name", "-version")


def scheme_get(*, user: User, pk: int | str) -> Scheme:
    try:
        return scheme_list(user=user).get(pk=pk)
    except (Scheme.DoesNotExist, ValueError, TypeError):
        raise Http404("考核方案不存在或您无权查看。") from None


def indicator_get(*, user: User, pk: int | str) -> Indicator:
    """Return an indicator of a scheme the user sees (the caller checks ``manages``)."""
    schemes = scheme_list(user=user)
    try:
        return Indicator.objects.select_related("scheme", "scheme__district").get(
            pk=pk, scheme__in=schemes
        )
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise Http404("考核指标不存在或您无权查看。") from None


def ranking_list(
    *, user: User, scheme: Scheme | None = None, period_kind: str | None = None
) -> QuerySet[Ranking]:
    """Return the rankings the user may see: trial runs (试算) only to the office that
    owns the scheme."""
    where = _read_condition(user, "scheme__")
    if where is None:
        return Ranking.objects.none()
    if not may_manage_any(user):
        where &= Q(status=Ranking.Status.PUBLISHED)
    else:
        # An office reads the trial runs of its own schemes only.
        office_own = (
            Q(scheme__district__isnull=True, scheme__city_id=user.city_id)
            if user.role == Role.CITY_REVIEWER
            else Q(scheme__district_id=user.district_id)
        )
        where &= Q(status=Ranking.Status.PUBLISHED) | office_own
    rankings = Ranking.objects.filter(where).select_related(
        "scheme", "scheme__city", "scheme__district", "published_by"
    )
    if scheme is not None:
        rankings = rankings.filter(scheme=scheme)
    if period_kind:
        rankings = rankings.filter(scheme__period_kind=period_kind)
    return rankings.order_by("-period_end", "period_start", "-status", "-computed_at", "-pk")


def ranking_get(*, user: User, pk: int | str) -> Ranking:
    try:
        return ranking_list(user=user).get(pk=pk)
    except (Ranking.DoesNotExist, ValueError, TypeError):
        raise Http404("考核排名不存在或您无权查看。") from None


@dataclass(frozen=True)
class HonorRoll:
    red: list[RankingLine]
    black: list[RankingLine]


def ranking_lines(*, ranking: Ranking) -> list[RankingLine]:
    return list(
        ranking.lines.select_related("unit", "district").order_by(
            "rank", "unit__order", "district__code", "unit_id"
        )
    )


def ranking_honor_roll(
    *, ranking: Ranking, n: int = 3, lines: list[RankingLine] | None = None
) -> HonorRoll:
    """Return the top ``n`` (红榜) and bottom ``n`` (黑榜, worst first) of a ranking.

    A unit is on one list only: with fewer than ``2n`` units the black list is shorter.
    Units tied at a cut are on the list together; units tied last are never red.
    """
    lines = ranking_lines(ranking=ranking) if lines is None else lines
    return _honor_roll(lines, n)


def honor_roll(lines: list[RankingLine], most: int = 3) -> HonorRoll:
    """The pages' 红黑榜: up to ``most`` each, and never more than half the units each."""
    return _honor_roll(lines, min(most, max(1, len(lines) // 2)))


def _honor_roll(lines: list[RankingLine], n: int) -> HonorRoll:
    # By rank, so that units tied at a cut stand together; the units tied last are never
    # on the red list, and when all are tied nobody stands out.
    if n <= 0 or not lines or lines[0].rank == lines[-1].rank:
        return HonorRoll(red=[], black=[])
    last = lines[-1].rank
    red = [line for line in lines if line.rank <= n and line.rank != last]
    rest = list(reversed(lines[len(red) :]))
    cut = rest[min(n, len(rest)) - 1].rank
    return HonorRoll(red=red, black=[line for line in rest if line.rank >= cut])
