"""Read figures and companies out of a Chinese report, by rules and dictionaries.

- **A figure group** is a count of projects with its kind and, when given, its amount:
  "<kind>项目<count>个，<总投资><amount>亿元" or "<count>个<kind>项目" (入库招商项目119个，
  投资总额1126.106亿元; 有3个项目开工建设). The kind is the stage word nearest before
  the word 项目 in the clause (``STAGES``: 入库/在库, 策划/储备, 意向, 在谈/洽谈, 签约/已签,
  落地/落户, 开工/动工, 投产, 合同, 协议), else the one after it, else the words right
  before 项目 as written (工业, 上亿元). Its amount is the first investment amount after
  the count in the same sentence and before the next count (not an 产值 or 税收), else
  one in the clause before the count. A count of anything but 项目 (5个镇街) is no group.
- **其中** makes the groups after it, to the end of the sentence, subsets (``of``) of
  the last group before it in the same paragraph.
- **A company** is a name ending in a company form (有限公司, 集团 …) whose left edge is
  the last function word before it (与, 和, 签约 …); generic names (该公司, 龙头企业集团)
  are not companies. Its amount is the first amount after it before the next company in
  the sentence; its stage the stage word nearest to it in the sentence. A valid
  统一社会信用代码 within a few characters of it is its code.
- **The date** is the publication date (a date next to 发布/时间/日期, else the first full
  date); **the as-of date** the date the figures are stated at (截至2019年8月底,
  截至上月底, 1-8月份), else the month end before publication.

Everything is read from the normalised text (``reading.normalise``: half-width,
simplified, same length), so each item's ``start``/``end`` point into the text given.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from baton.core.uscc import check_character

from .numbers import AMOUNT, NUMBER, plain_wan, to_count, to_wan
from .places import Place, find_place
from .reading import normalise

#: A stage word and the kind it is read as (longest first in the pattern).
STAGES = {
    "入库": "入库",
    "在库": "入库",
    "策划": "策划",
    "储备": "策划",
    "谋划": "策划",
    "意向": "意向",
    "在谈": "在谈",
    "洽谈": "在谈",
    "签约": "签约",
    "已签": "签约",
    "签订": "签约",
    "签署": "签约",
    "签下": "签约",
    "落地": "落地",
    "落户": "落地",
    "开工": "开工",
    "动工": "开工",
    "投产": "投产",
    "竣工": "竣工",
    "在建": "在建",
    "续建": "续建",
    "合同": "合同",
    "协议": "协议",
}
#: A stage word in a meeting's name (洽谈会, 签约会) says nothing of the projects.
_STAGE = re.compile("(?:" + "|".join(sorted(STAGES, key=len, reverse=True)) + ")(?!会)")
#: A 其中 opening a sentence refers to a group at most this many characters before it.
NEAR_QIZHONG = 200
#: The kind of a group whose text names no stage (its own words are its ``label``).
OTHER = "其他"
#: An amount that is a size class, not a sum: 5亿元以上项目, 超10亿元投资项目, 百亿级.
_THRESHOLD = re.compile(r"\s*(?:及以上|以上|以下|以内|左右的?项目|级|(?:投资)?项目|的项目)")
_SENTENCE = re.compile(r"[^。!?\n]{1,3000}[。!?]?")
_CLAUSE_END = ",;:。!?\n…"
_COUNT_AFTER = re.compile(
    rf"(?P<n>{NUMBER})\s*个(?P<mid>[^,;:。、\d“”\"「」]{{0,8}}?)项目(?![库部办])"
)
_COUNT_BEFORE = re.compile(
    rf"项目(?![库部办总])(?P<mid>[^,;:。\d]{{0,6}}?)(?P<n>{NUMBER})(?:\s*(?P<ge>个|项)|(?=[,;。、\s]|$))"
)
_INVESTMENT_WORDS = re.compile(r"投资|引资|资金|到位|总额|金额|合同额|协议额|总计|共计|合计")
_NOT_INVESTMENT = re.compile(r"产值|税收|营收|营业收入|销售|收入|利税|利润|产出|出口|进出口|增加值")
_LABEL_CUT = re.compile(r".*(?:其中|共有|另有|还有|以及|[的了有共及和与、等])")
_LABEL = re.compile(r"[\u4e00-\u9fa5A-Za-z]{1,8}$")
#: What makes the groups after it subsets: 其中, 包含, 包括 (开工项目包含产业化项目36个).
_SUBSET = re.compile(r"其中|包含|包括")

_FORMS = r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|股份公司|集团公司|\(集团\)有限公司|集团|公司|研究院)"
_NAME_CHARS = r"[\u4e00-\u9fa5A-Za-z0-9()&·]"
_COMPANY = re.compile(rf"{_NAME_CHARS}{{2,40}}?{_FORMS}(?:\([^()]{{1,12}}\))?")
_COMPANY_START = re.compile(
    r"与|和|同|跟|及|以及|暨|由|向|对|被|把|将|给|为|是|在|从|引进|引入|签约|签下|携手|联合|牵手|"
    r"落户|入驻|包括|如|据|当天|日前|近日|此次|已经|已|了|的|等|位于|旗下|来自|邀请|成功|共同|"
    r"分别|还|也|即|该|并|其中|全资|控股子公司|子公司|总部|项目|知名企业|企业|龙头|世界500强|"
    r"500强|上市公司|国企|央企|民企|外资|记者|获悉|了解到|表示|介绍|说|到|赴|拜访|走访|考察|会见|"
    r"会谈|座谈|洽谈|对接|主要|重点|一批|一家|这家|该家|多家|其|后|前|未经|经|收购|并购|参股|持股|"
    r"注资|设立|成立|组建|名为|即|系|则"
)
_SUMMARY = re.compile(r";\s*(?:累计|合计|共计|总计|全年|本月|其中)")
_COLLECTIVE = re.compile(r"等\s*\d*\s*[家个]|分别|共同|合计")
_OF_GROUP = re.compile(r"的?\s*\d+\s*个")
_LONGER = re.compile(
    r"\)?(?:股份有限公司|有限责任公司|有限公司|股份公司|公司)?(?:\([^()]{1,12}\))?"
    r"(?:[\u4e00-\u9fa5]{1,8}?分公司)?"
)
_LEADING_DATE = re.compile(r"^(?:\d+[年月日号]?)+")
#: A name made only of these (with its form) is no company: 该公司, 龙头企业集团, 招商集团.
_GENERIC = {
    "招商",
    "企业",
    "国企",
    "民企",
    "央企",
    "大型",
    "龙头",
    "知名",
    "上市",
    "外资",
    "合资",
    "国有",
    "投资",
    "建设",
    "科技",
    "分",
    "子",
    "母",
    "总",
    "本",
    "该",
    "各",
    "一家",
    "多家",
    "这家",
    "我",
    "贵",
    "我们",
    "运营",
    "管理",
    "物业",
    "平台",
    "专业",
    "全资",
    "控股",
    "报业",
    "项目",
}
_USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")

_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})日?"
)
_PUBLISHED_NEAR = re.compile(r"发布|时间|日期|来源|更新")
_AS_OF = re.compile(
    r"截[至止](?:到)?(?:(?P<y>(?:19|20)\d{2})年)?(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日|底|末|份)?"
    r"|(?P<last>上月底|上月末|上个月底|上个月末))"
)
_SPAN = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})年|今年|本年)?(?:1|一)\s*[-—–~至到]\s*(?P<m>\d{1,2})月(?:份|底|末)?"
)


@dataclass
class Group:
    kind: str
    count: int
    investment_wan: Decimal | None
    of: str | None
    start: int
    end: int
    sentence: str
    label: str = ""
    amount_at: tuple[int, int] | None = None
    parent: "Group | None" = field(default=None, repr=False)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "count": self.count,
            "investment_wan": plain_wan(self.investment_wan),
            "of": self.of,
            **({"label": self.label} if self.label else {}),
        }


@dataclass
class Company:
    name: str
    amount_wan: Decimal | None
    stage: str | None
    start: int
    end: int
    sentence: str
    uscc: str = ""
    amount_at: tuple[int, int] | None = None

    def as_json(self) -> dict:
        out = {"name": self.name, "amount_wan": plain_wan(self.amount_wan), "stage": self.stage}
        if self.uscc:
            out["uscc"] = self.uscc
        return out


@dataclass
class Reading:
    text: str
    date: dt.date | None
    as_of: dt.date | None
    place: Place | None
    groups: list[Group]
    companies: list[Company]

    def as_json(self) -> dict:
        return {
            "date": self.date.isoformat() if self.date else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "place": self.place.code if self.place else None,
            "place_name": self.place.name if self.place else None,
            "groups": [g.as_json() for g in self.groups],
            "companies": [c.as_json() for c in self.companies],
        }


def extract(text: str, *, places: tuple[Place, ...] = ()) -> Reading:
    """Return what ``text`` says: date, as-of date, place, figure groups, companies."""
    plain = normalise(text)
    date = published(plain)
    groups: list[Group] = []
    companies: list[Company] = []
    for match in _SENTENCE.finditer(plain):
        sentence, offset = match.group(0), match.start()
        found: list[Group | Company] = []
        if "项目" in sentence:
            found += _groups(sentence, offset, groups, plain)
            groups += [g for g in found if isinstance(g, Group)]
        if "公司" in sentence or "集团" in sentence or "研究院" in sentence:
            found += _companies(sentence, offset)
        said = text[match.start() : match.end()].strip()  # the evidence as written
        for item in found:
            item.sentence = said
        companies += [c for c in found if isinstance(c, Company)]
    return Reading(
        text=text,
        date=date,
        as_of=stated_as_of(plain, date),
        place=find_place(plain, places),
        groups=groups,
        companies=_unique(companies),
    )


# --- figure groups ---------------------------------------------------------------------


@dataclass
class _Anchor:
    start: int  # of the whole mention (count and 项目)
    end: int
    count: int
    project_at: int  # where the word 项目 is


def _anchors(sentence: str) -> list[_Anchor]:
    found: dict[int, _Anchor] = {}
    for m in _COUNT_AFTER.finditer(sentence):
        count = to_count(m.group("n"))
        if count is not None and m.group("n") != "一":  # 一个项目: a project, not a figure
            found[m.start()] = _Anchor(m.start(), m.end(), count, m.end() - 2)
    for m in _COUNT_BEFORE.finditer(sentence):
        count = to_count(m.group("n"))
        tail = sentence[m.end() : m.end() + 1]
        if count is None or tail in ("%", "年", "月", "日", "号", "亿", "万", "元", "."):
            continue
        if any(
            a.start <= m.start() < a.end or m.start() <= a.start < m.end() for a in found.values()
        ):
            continue
        found[m.start()] = _Anchor(m.start(), m.end(), count, m.start())
    return sorted(found.values(), key=lambda a: a.start)


def _clause_start(sentence: str, at: int) -> int:
    i = at
    while i > 0 and sentence[i - 1] not in _CLAUSE_END:
        i -= 1
    return i


def _clause_end(sentence: str, at: int) -> int:
    i = at
    while i < len(sentence) and sentence[i] not in _CLAUSE_END:
        i += 1
    return i


def _kind(sentence: str, anchor: _Anchor, floor: int) -> tuple[str, str]:
    """Return (kind, label) of the group at ``anchor``."""
    start = max(_clause_start(sentence, anchor.start), floor)
    after = sentence[anchor.end : _clause_end(sentence, anchor.end)]
    if anchor.project_at > anchor.start and (m := _STAGE.match(after.lstrip("已均正在")[:4])):
        return STAGES[m.group(0)], ""  # 有3个项目开工建设
    before = sentence[start : anchor.project_at]
    stages = list(_STAGE.finditer(before))
    if stages:
        return STAGES[stages[-1].group(0)], ""
    if m := _STAGE.search(after[:12]):
        return STAGES[m.group(0)], ""
    words = sentence[start : min(anchor.start, anchor.project_at)]
    words = _LABEL_CUT.sub("", words)
    label = _LABEL.search(words)
    return OTHER, label.group(0) if label else ""


def _amount_in(sentence: str, lo: int, hi: int) -> tuple[Decimal, int, int] | None:
    """The first investment amount between ``lo`` and ``hi``: (万元, start, end)."""
    summary = _SUMMARY.search(sentence, lo, hi)  # ;累计实现到位资金: the whole list's
    for m in AMOUNT.finditer(sentence, lo, summary.start() if summary else hi):
        if m.group("yuan") not in (None, "元"):
            continue
        if _THRESHOLD.match(sentence, m.end()) or m.group("approx") in ("超", "超过"):
            continue
        context = sentence[max(lo, _clause_start(sentence, m.start())) : m.start()]
        if _NOT_INVESTMENT.search(context):
            continue
        if m.group("yuan") is None and not (
            "亿" in m.group("unit") and _INVESTMENT_WORDS.search(context)
        ):
            continue
        amount = to_wan(m.group("num"), m.group("unit"))
        if amount is not None and m.group("wan") and m.group("unit") == "亿":
            amount += Decimal(m.group("wan"))  # 2亿7000万元
        if amount is not None:
            return amount, m.start(), m.end()
    return None


def _groups(sentence: str, offset: int, earlier: list[Group], text: str) -> list[Group]:
    anchors = _anchors(sentence)
    if not anchors:
        return []
    qizhong = [m.end() for m in _SUBSET.finditer(sentence)]
    # "对接的1334个项目中，已签合同项目875个……": what follows is of those projects.
    qizhong += [a.end + 1 for a in anchors if sentence.startswith("中", a.end)]
    qizhong.sort()
    out: list[Group] = []
    previous_end = 0
    first_under: dict[int, bool] = {}  # a 其中's first subset: a stage's or not
    for i, anchor in enumerate(anchors):
        nxt = anchors[i + 1].start if i + 1 < len(anchors) else len(sentence)
        amount = _amount_in(sentence, anchor.end, nxt)
        if amount is None:
            lo = max(previous_end, _clause_start(sentence, anchor.start))
            amount = _amount_in(sentence, lo, anchor.start)
        marks = [q for q in qizhong if q <= anchor.start]
        floor = max(previous_end, marks[-1] if marks else 0)
        kind, label = _kind(sentence, anchor, floor)
        group = Group(
            kind=kind,
            count=anchor.count,
            investment_wan=amount[0] if amount else None,
            amount_at=(offset + amount[1], offset + amount[2]) if amount else None,
            of=None,
            start=offset + anchor.start,
            end=offset + anchor.end,
            sentence=sentence.strip(),
            label=label,
        )
        if marks and _still_under(sentence, marks[-1], anchor, kind, first_under):
            parent = _parent(out, earlier, offset + marks[-1], text, offset)
            if parent is not None:
                group.parent, group.of = parent, parent.kind
        out.append(group)
        previous_end = anchor.end
    return out


def _still_under(
    sentence: str, mark: int, anchor: _Anchor, kind: str, first: dict[int, bool]
) -> bool:
    """Whether a group after a 其中 is still one of its subsets. Subsets are alike (all
    stages, or all size classes): after a semicolon, a group unlike the first subset
    starts a new figure (其中5亿元以上项目8个；新开工项目26个)."""
    staged = kind != OTHER
    if mark not in first:
        first[mark] = staged
        return True
    return first[mark] == staged or ";" not in sentence[mark : anchor.start]


def _parent(
    mine: list[Group], earlier: list[Group], at: int, text: str, offset: int
) -> Group | None:
    """The last group before the 其中 at ``at`` (this sentence's, else the paragraph's)."""
    before = [g for g in mine if g.end <= at]
    if before:
        return before[-1]
    if earlier and offset - earlier[-1].end <= NEAR_QIZHONG:
        return earlier[-1]
    return None


# --- companies ------------------------------------------------------------------------


def _companies(sentence: str, offset: int) -> list[Company]:
    found: list[tuple[int, int, str]] = []
    at = 0
    while m := _COMPANY.search(sentence, at):
        end = m.end()
        longer = _LONGER.match(sentence, end)  # 长荣科技集团 + 股份有限公司
        if longer:
            end = longer.end()
        at = end
        name = _trim(sentence[m.start() : end])
        if name is not None:
            found.append((end - len(name), end, name))
    if not found:
        return []
    codes = [(m.start(), m.group(0)) for m in _USCC.finditer(sentence) if _valid(m.group(0))]
    stages = [(m.start(), STAGES[m.group(0)]) for m in _STAGE.finditer(sentence)]
    parts = [0, *(i + 1 for i, c in enumerate(sentence) if c == ";"), len(sentence) + 1]
    out = []
    for i, (start, end, name) in enumerate(found):
        nxt = found[i + 1][0] if i + 1 < len(found) else len(sentence)
        lo = max(p for p in parts if p <= start)
        hi = min(p for p in parts if p > start)
        near = [s for s in stages if lo <= s[0] < hi]
        stage = min(near, key=lambda s: abs(s[0] - start), default=None)
        code = next(
            (c for at, c in codes if -4 <= at - end <= 30 or -30 <= start - at - 18 <= 4), ""
        )
        amount = _amount_in(sentence, end, nxt)
        if amount and (
            _COLLECTIVE.search(sentence, end, amount[1]) or _OF_GROUP.match(sentence, amount[2])
        ):
            amount = None  # 等10家企业……总投资; 总投资43亿元的10个项目
        out.append(
            Company(
                name=name,
                amount_wan=amount[0] if amount else None,
                amount_at=(offset + amount[1], offset + amount[2]) if amount else None,
                stage=stage[1] if stage else None,
                start=offset + start,
                end=offset + end,
                sentence=sentence.strip(),
                uscc=code,
            )
        )
    return out


def _trim(raw: str) -> str | None:
    """Return the company name at the end of ``raw`` cut at its left edge, or None."""
    form = re.search(rf"{_FORMS}(?:\([^()]{{1,12}}\))?$", raw) or re.search(
        r"(?:股份有限公司|有限责任公司|有限公司|股份公司|公司)(?:\([^()]{1,12}\))?$", raw
    )
    if form is None:
        return None
    core_end = form.start()
    cuts = [m.end() for m in _COMPANY_START.finditer(raw, 0, core_end) if core_end - m.end() >= 2]
    for cut in [*reversed(cuts), 0]:
        name = _LEADING_DATE.sub("", raw[cut:])
        core = name[: len(name) - (len(raw) - core_end)].strip("()·&")
        if _company_core(core):
            return name
    return None


def _company_core(core: str) -> bool:
    if len(core) < 2 or core in _GENERIC or core.endswith(("企业", "项目")) or core.isdigit():
        return False
    if "的" in core:
        return False
    return not core.endswith(("的", "了"))


def _valid(code: str) -> bool:
    try:
        return check_character(code[:17]) == code[17]
    except ValueError:
        return False


def _unique(companies: list[Company]) -> list[Company]:
    """One entry a company: the first mention, with the first amount and stage given."""
    by_name: dict[str, Company] = {}
    for company in companies:
        kept = by_name.setdefault(company.name, company)
        if kept is not company:
            kept.amount_wan = kept.amount_wan if kept.amount_wan is not None else company.amount_wan
            kept.stage = kept.stage or company.stage
            kept.uscc = kept.uscc or company.uscc
    return list(by_name.values())


# --- dates ----------------------------------------------------------------------------


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def published(text: str) -> dt.date | None:
    """Return the publication date: a date labelled as such near the top, else the first."""
    head = text[:5000]
    first = None
    for m in _DATE.finditer(head):
        day = _date(m.group("y"), m.group("m"), m.group("d"))
        if day is None:
            continue
        first = first or day
        near = head[max(0, m.start() - 12) : m.start()] + head[m.end() : m.end() + 9]
        if _PUBLISHED_NEAR.search(near) or re.match(r"\s+\d{1,2}:\d{2}", head[m.end() :]):
            return day
    return first


def _month_end(year: int, month: int) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def stated_as_of(text: str, date: dt.date | None) -> dt.date | None:
    """Return the date the figures are stated at, else the month end before ``date``."""
    for pattern in (_AS_OF, _SPAN):
        for m in pattern.finditer(text):
            if m.groupdict().get("last"):
                if date is not None:
                    return previous_month_end(date)
                continue
            month = int(m.group("m"))
            year = int(m.group("y")) if m.group("y") else None
            if year is None:
                if date is None:
                    continue
                year = date.year if month <= date.month else date.year - 1
            day = m.groupdict().get("d")
            found = _date(str(year), str(month), day) if day else _month_end(year, month)
            if found is not None:
                return found
    return previous_month_end(date) if date else None
