"""Lead figures of a past date are the same computed that evening as at the end.

Hypothesis drives random sequences of service calls (register, update the amount, the
source or the industry, respond, assess, feed back, reject, reassign, arbitrate,
convert) over several weeks, the clock moved forward between them (the services read
``timezone.now``; refusals are fine). Whenever the clock passes midnight, the figures as
of each day just ended are computed for several scopes; at the end the same dates are
computed again and must be equal. The fold to the end must also give each lead's row.
"""

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from baton.companies import services as companies
from baton.companies.tests.helpers import BYD, CATL, OTHER
from baton.leads import services
from baton.leads.asof import states_at
from baton.leads.figures import lead_figures
from baton.leads.models import Lead
from baton.projects.models import Industry
from baton.testing import make_world

from .helpers import POINTS

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
SOURCES = ("referrer", "intermediary", "resident", "activity", "news", "visit", "other")
CODES = ("C3841", "C39", "I6510", "K7010", "")
AMOUNTS = ("200000", "60000", "12000", "8000", "45000.5")
OPS = (
    *["register"] * 4,
    "update_amount",
    "update_source",
    "update_industry",
    *["respond"] * 2,
    *["assess"] * 2,
    "drop",
    "feedback",
    "reject",
    "reassign",
    *["arbitrate"] * 2,
    "convert",
)


@dataclass(frozen=True)
class Scope:
    city: object = None
    district: object = None
    unit: object = None
    industry: object = None


class Step(NamedTuple):
    op: str
    target: int
    pick: int
    gap: int  # minutes after the previous step


steps = st.builds(
    Step,
    op=st.sampled_from(OPS),
    target=st.integers(0, 7),
    pick=st.integers(0, 59),
    gap=st.one_of(
        st.integers(1, 600),
        st.integers(600, 3 * 24 * 60),
        st.integers(30, 45).map(lambda days: days * 24 * 60),
    ),
)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class PastFiguresStayTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = make_world()
        w = cls.w
        cls.companies = [
            companies.company_create(actor=w.office, district=w.district, name=name, uscc=uscc)
            for name, uscc in (
                ("宁德时代新能源科技股份有限公司", CATL),
                ("比亚迪股份有限公司", BYD),
                ("厦门芯光半导体股份有限公司", OTHER),
            )
        ]
        cls.units = [w.town, w.other_town, w.department]
        cls.industries = [None, w.industry, Industry.objects.get(name="电子信息")]

    def _scopes(self):
        w = self.w
        yield Scope(city=w.city)
        yield Scope(district=w.district)
        for unit in self.units:
            yield Scope(unit=unit)
        yield Scope(district=w.district, industry=w.industry)

    def _actor(self, unit):
        w = self.w
        return {w.town.pk: w.promoter, w.other_town.pk: w.other_promoter}.get(unit.pk, w.office)

    def _do(self, step: Step, leads: list[Lead]) -> None:
        w, n = self.w, step.pick
        if step.op == "register" or not leads:
            unit = self.units[n % len(self.units)]
            leads.append(
                services.lead_register(
                    actor=self._actor(unit),
                    company=self.companies[step.target % len(self.companies)],
                    unit=unit,
                    confirmed=bool(n % 2),
                    title=f"项目{len(leads) + 1}号",
                    source=SOURCES[n % len(SOURCES)],
                    investment=AMOUNTS[n % len(AMOUNTS)],
                    industry_code=CODES[n % len(CODES)],
                    industry=self.industries[n % 3],
                )
            )
            return
        lead = leads[step.target % len(leads)]
        lead.refresh_from_db()
        actor = w.office if n % 3 == 0 else self._actor(lead.unit)
        if step.op.startswith("update"):
            field, values = {
                "update_amount": ("investment", AMOUNTS),
                "update_source": ("source", SOURCES),
                "update_industry": ("industry_code", CODES),
            }[step.op]
            changes = {field: values[n % len(values)]}
            if step.op == "update_industry":
                changes["industry"] = self.industries[n % 3]
            services.lead_update(lead=lead, actor=actor, changes=changes)
        elif step.op == "respond":
            services.lead_respond(lead=lead, actor=actor)
        elif step.op in ("assess", "drop"):
            services.lead_assess(
                lead=lead,
                actor=actor,
                points=POINTS,
                conclusion="follow" if step.op == "assess" else "drop",
                note="不符合产业导向",
            )
        elif step.op == "feedback":
            services.lead_feedback(lead=lead, actor=actor, text="已反馈引荐方")
        elif step.op == "reject":
            services.lead_reject(lead=lead, actor=actor, reason="投资方放弃")
        elif step.op == "reassign":
            services.lead_reassign(
                lead=lead, actor=w.office, unit=self.units[n % len(self.units)], reason="无进展"
            )
        elif step.op == "arbitrate":
            services.lead_arbitrate(
                lead=lead,
                actor=w.office,
                decision=("merge", "assign", "reject")[n % 3],
                reason="区招商办裁决",
            )
        elif step.op == "convert":
            services.lead_convert(lead=lead, actor=actor, stage=("planning", "intent")[n % 2])
        else:  # pragma: no cover
            raise AssertionError(step.op)

    def _figures(self, day: dt.date) -> list:
        return [lead_figures(scope=scope, as_of=day) for scope in self._scopes()] + [
            lead_figures(scope=Scope(district=self.w.district), as_of=day, since=day)
        ]

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(history=st.lists(steps, min_size=8, max_size=30))
    def test_past_figures_do_not_change(self, history):
        now = START
        leads: list[Lead] = []
        seen: dict[dt.date, list] = {}
        with mock.patch("django.utils.timezone.now", lambda: now):
            for step in history:
                later = now + dt.timedelta(minutes=step.gap)
                ended = (later.date() - now.date()).days  # days over by ``later``
                days = [now.date() + dt.timedelta(days=i) for i in range(ended)]
                now = later
                for day in days[:2] + days[-1:]:  # right after each day (a few of a gap)
                    seen.setdefault(day, self._figures(day))
                with contextlib.suppress(ValidationError, PermissionDenied):
                    self._do(step, leads)
            for day, figures in seen.items():
                assert self._figures(day) == figures, day
            # The fold to the end is each lead as its row stands.
            for lead_id, state in states_at(as_of=now.date()).items():
                lead = Lead.objects.get(pk=lead_id)
                row = {
                    "status": lead.status,
                    "unit": lead.unit_id,
                    "first_unit": lead.first_unit_id,
                    "source": lead.source,
                    "industry_code": lead.industry_code,
                    "industry": lead.industry_id,
                    "investment": lead.investment,
                    "is_reserve": lead.is_reserve,
                    "company": lead.company_id,
                    "respond_due": lead.respond_due,
                    "assess_due": lead.assess_due,
                    "feedback_due": lead.feedback_due,
                    "responded_at": lead.responded_at,
                    "assessed_at": lead.assessed_at,
                    "feedback_at": lead.feedback_at,
                    "converted_at": lead.converted_at,
                }
                folded = {key: getattr(state, key) for key in row}
                assert folded == row, lead.code
                assert Decimal(state.investment) == lead.investment
