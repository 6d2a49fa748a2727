"""Names, amounts and dates for the demo's projects: companies, products, investors,
the notes promoters write, the reasons reviewers give."""

import datetime as dt
import random
from decimal import Decimal

COMPANIES = [
    "华芯",
    "鹭岛",
    "天翔",
    "海晟",
    "嘉禾",
    "同创",
    "翔宇",
    "中科云",
    "晶元",
    "新航",
    "安芯",
    "凯盛",
    "鼎泰",
    "宏远",
    "博瑞",
    "恒通",
    "瑞昌",
    "金石",
    "星辰",
    "明德",
    "蓝海",
    "和瑞",
    "启明",
    "东方",
    "国泰",
    "永盛",
    "盛世",
    "华光",
    "闽台",
    "翔鹭",
    "海润",
    "银丰",
    "德邦",
    "融创",
    "远航",
    "清源",
    "弘信",
    "联芯",
    "正泰",
    "万达",
    "宝龙",
    "中远",
    "金桥",
    "宇通",
    "锦程",
    "海峡",
    "百川",
    "新锐",
    "卓越",
    "九牧",
    "鑫达",
    "思源",
    "天成",
    "汇丰",
    "龙腾",
    "祥和",
    "众合",
    "恒信",
    "泰禾",
    "建发",
    "国贸",
    "象屿",
    "路桥",
    "航发",
    "紫光",
    "东南",
    "立达",
    "瀚海",
    "普瑞",
    "康宁",
    "诚达",
    "长兴",
    "信达",
    "友谊",
    "怡宝",
    "盈科",
    "天虹",
    "光明",
    "嘉信",
    "通达",
    "华润",
    "君安",
    "汇通",
    "北辰",
    "南海",
    "瑞丰",
    "欣旺",
    "晟通",
    "宏发",
    "正源",
    "安泰",
    "华夏",
    "金鹭",
    "中核",
    "浦江",
    "振华",
    "广联",
    "国星",
    "永辉",
    "中旭",
    "雅康",
    "金科",
    "美亚",
    "鸿远",
    "恒安",
    "达利",
    "辉煌",
    "信和",
    "天健",
    "鼎盛",
    "华强",
    "星网",
    "名城",
    "昌隆",
    "海天",
    "新华",
    "恒力",
    "至诚",
    "瑞鹭",
    "丰泽",
    "嘉盛",
    "博纳",
    "耀华",
    "中鼎",
    "泓泰",
    "华宇",
    "金达",
    "鹏翔",
    "海源",
    "中兴",
    "海翼",
    "天马",
    "凯瑞",
    "宏信",
    "厦钨",
    "万翔",
    "鹭江",
    "同安",
    "金海",
    "凤翔",
    "华联",
    "港务",
    "润泽",
    "天利",
    "东方明珠",
    "中建",
    "信息港",
    "科华",
    "集芯",
    "英诺",
    "兆科",
    "思达",
    "云智",
]
PRODUCTS = {
    "新能源": ["动力电池生产基地", "储能系统研发制造", "光伏组件生产线", "氢能装备产业园"],
    "半导体与集成电路": ["功率半导体封测", "化合物半导体外延片", "集成电路设计中心", "晶圆级封装"],
    "生物医药": ["创新药研发及产业化", "医疗器械生产基地", "生物疫苗产业化", "体外诊断试剂"],
    "新材料": ["高性能复合材料", "石墨烯新材料", "特种合金材料", "光学膜材料"],
    "航空航天": ["航空维修基地", "航空物流园", "航空零部件制造", "通航运营中心"],
    "会展体育": ["体育会展综合体", "全民健身中心", "会展配套酒店", "电竞产业园"],
    "文化旅游": ["滨海文旅综合体", "民宿集群", "海洋主题乐园", "影视产业基地"],
    "现代物流": ["冷链物流园", "空港物流中心", "智慧仓储中心", "跨境电商物流园"],
    "数字经济": ["数据中心", "数字产业园", "软件研发中心", "工业互联网平台"],
    "总部经济": ["区域总部", "结算中心", "研发总部", "东南区域运营中心"],
    "商贸服务": ["商业综合体", "汽车商贸城", "进口商品展销中心", "供应链管理中心"],
    "先进制造": ["智能装备制造基地", "精密模具产业园", "机器人生产线", "高端卫浴智能制造"],
    "电子信息": ["新型显示模组", "5G通信设备", "智能终端制造", "光电元器件"],
    "现代农业": ["现代农业示范园", "农产品精深加工", "种苗繁育基地"],
    "教育医疗": ["国际学校", "专科医院", "康养中心"],
}
COMPANY_FORMS = ["科技有限公司", "集团有限公司", "股份有限公司", "实业有限公司", "发展有限公司"]
SOURCES = ["招商推介会", "以商引商", "中介机构推荐", "领导外出招商", "企业主动来访", "投洽会"]
NOTES = [
    "与投资方开展第二轮洽谈，就用地规模和建设周期初步达成一致。",
    "投资方实地考察拟选地块，对配套条件表示满意。",
    "已报送项目可行性研究报告，区发改局正在审核。",
    "区领导带队赴投资方总部对接，推动项目尽快签约。",
    "投资方提出人才公寓需求，已协调相关部门研究。",
    "项目用地规划条件已明确，等待土地招拍挂。",
]
RETURN_REASONS = [
    "投资方信息不完整，请补充投资方全称及统一社会信用代码。",
    "总投资额依据不足，请补充投资协议或项目建议书。",
]


def split_amount(rng: random.Random, total: int, n: int) -> list[Decimal]:
    """Split ``total`` 万元 into ``n`` positive amounts with a long tail, summing exactly."""
    weights = [rng.paretovariate(1.2) for _ in range(n)]
    scale = sum(weights)
    amounts = [max(500, round(total * w / scale / 10) * 10) for w in weights]
    amounts[amounts.index(max(amounts))] += total - sum(amounts)
    result = [Decimal(a) for a in amounts]
    # A few amounts that are not whole 万元, in pairs so the total stays exact.
    for i in range(0, min(n - 1, 6), 2):
        result[i] += Decimal("0.5")
        result[i + 1] -= Decimal("0.5")
    assert sum(result) == total and min(result) > 0
    return result


class Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.companies = COMPANIES[:]
        rng.shuffle(self.companies)

    def next(self, industry: str) -> tuple[str, str]:
        if not self.companies:
            used = set(COMPANIES)
            self.companies = [
                a + b
                for a in "中华新海金恒宏天鹭翔"
                for b in "瑞泰通达源盛科远信和"
                if a + b not in used
            ]
            self.rng.shuffle(self.companies)
        company = self.companies.pop()
        product = self.rng.choice(PRODUCTS[industry])
        city = self.rng.choice(["厦门", "厦门", "深圳", "上海", "福州", "泉州", "北京", "杭州"])
        investor = f"{city}{company}{self.rng.choice(COMPANY_FORMS)}"
        return f"{company}{product}项目", investor


def dates_between(rng: random.Random, start: dt.date, end: dt.date, k: int) -> list[dt.date]:
    """Return ``k`` sorted, distinct-enough dates in [start, end]."""
    span = (end - start).days
    if span < k:
        raise ValueError("not enough days for the steps")
    offsets = sorted(rng.sample(range(1, span + 1), k))
    return [start + dt.timedelta(days=o) for o in offsets]
