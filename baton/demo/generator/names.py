"""The generator's names: brands, products, investors, places, people, and the texts
users write. Built so that no two generated projects of a city are possible duplicates
(see the package)."""

import random

from rapidfuzz import fuzz

from baton.projects.duplicates import NAME_ALONE, NAME_WITH_INVESTOR

PRODUCTS = {
    "先进制造": ["智能装备", "精密模具", "工业机器人", "数控机床", "智能卫浴"],
    "电子信息": ["新型显示", "通信设备", "智能终端", "光电元件", "车载电子"],
    "半导体与集成电路": ["功率半导体", "晶圆封测", "芯片设计", "化合物衬底"],
    "新材料": ["复合材料", "石墨烯膜", "特种合金", "光学薄膜", "稀土功能材料"],
    "新能源": ["动力电池", "储能电站", "光伏组件", "氢能装备", "风电整机"],
    "生物医药": ["创新药", "医疗器械", "疫苗研发", "体外诊断", "中药饮片"],
    "航空航天": ["航空维修", "航材制造", "卫星应用", "通航运营"],
    "数字经济": ["数据中心", "软件园", "工业互联网", "人工智能"],
    "现代物流": ["冷链物流", "空港物流", "智慧仓储", "跨境电商"],
    "商贸服务": ["商业综合体", "汽车商贸城", "进口商品展销", "供应链管理"],
    "金融服务": ["金融科技", "融资租赁", "产业基金"],
    "文化旅游": ["滨海文旅", "民宿集群", "主题乐园", "影视基地"],
    "会展体育": ["会展中心", "体育公园", "电竞场馆"],
    "总部经济": ["区域总部", "结算中心", "研发总部"],
    "现代农业": ["农业示范园", "农产品加工", "种苗繁育"],
    "教育医疗": ["国际学校", "专科医院", "康养社区"],
    "城市建设": ["保障性住房", "城市更新", "片区开发"],
    "其他": ["综合开发", "配套服务"],
}
PRODUCT_LIST = [(industry, p) for industry, ps in PRODUCTS.items() for p in ps]
_PRODUCT_CHARS = {c for _, p in PRODUCT_LIST for c in p}
BRAND_FIRST = [
    c
    for c in "华鹭翔海嘉同宇晶凯鼎宏博恒瑞金星明蓝启国永盛闽银德融远清弘联正万宝锦百卓九鑫思龙祥众泰建象紫立瀚普诚长友怡盈光君汇北欣晟安浦振雅美鸿达辉信名昌至丰耀泓鹏兆英"
    if c not in _PRODUCT_CHARS
]
BRAND_SECOND = [
    c
    for c in "芯岛晟禾创航盛泰邦通源润丰川锐牧达和腾合禧桥程宸茂峰泽元鑫兴隆坤景阳铭轩昊森瑞悦朗骏豪钧晨策灏曜屹琪嵘钰熙"
    if c not in _PRODUCT_CHARS
]
INVESTOR_CITIES = [
    "厦门",
    "深圳",
    "上海",
    "北京",
    "杭州",
    "福州",
    "泉州",
    "广州",
    "苏州",
    "成都",
    "香港",
    "台北",
]
COMPANY_FORMS = ["科技有限公司", "集团有限公司", "股份有限公司", "实业有限公司", "发展有限公司"]
SOURCES = ["招商推介会", "以商引商", "中介机构推荐", "领导外出招商", "企业主动来访", "投洽会"]
NOTES = [
    "与投资方开展第二轮洽谈，就用地规模和建设周期初步达成一致。",
    "投资方实地考察拟选地块，对配套条件表示满意。",
    "已报送项目可行性研究报告，正在审核。",
    "区领导带队赴投资方总部对接，推动项目尽快签约。",
    "投资方提出人才公寓需求，已协调相关部门研究。",
    "项目用地规划条件已明确，等待土地招拍挂。",
    "电话回访投资方，项目按计划推进。",
]
RETURN_REASONS = [
    "投资方信息不完整，请补充投资方全称及统一社会信用代码。",
    "总投资额依据不足，请补充投资协议或项目建议书。",
    "项目进展情况描述不清，请补充最近一次洽谈记录。",
]
STOP_REASONS = ["投资方资金链紧张，项目中止", "选址不符合国土空间规划", "投资方转投其他城市"]
BACK_REASON = "投资方暂缓投资决策，退回意向阶段"
CONTACTS = ["张先生", "李女士", "王经理", "陈总", "林主任", "黄经理", "吴女士"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂华建国志海峰晓东立新红文斌宁"
PLACE_FIRST = (
    "安宁平清永泰长新东西南北嘉丰富兴华临庆昌盛宜德宣武汉阳江湖云山金石青白桃柳松梅龙凤翠宝玉"
)
PLACE_SECOND = "州阳城江山宁安川源河原兴德平湖口溪田林坪浦桥港岗洲塘"
DEPARTMENTS = [
    "发展和改革局",
    "工业和信息化局",
    "商务局",
    "科技局",
    "文化和旅游局",
    "住房和建设局",
    "农业农村局",
    "交通运输局",
    "卫生健康局",
    "市场监督管理局",
    "财政局",
    "自然资源局",
]
#: Province code prefixes; 35 (Fujian) is left out so a generated library never meets
#: the demo's real Xiamen codes in one database.
PROVINCES = [p for p in range(11, 66) if p != 35 and p % 10 <= 5 and p % 10 != 0]


def _check_products() -> None:
    products = [p for _, p in PRODUCT_LIST]
    assert len(set(products)) == len(products)
    for p in products:
        assert 2 <= len(p) <= 6, p
    for p in products:
        for q in products:
            if p != q:
                assert p not in q, (p, q)
                # The same brand in front of both: the closest two names can be.
                assert fuzz.ratio("甲乙" + p, "甲乙" + q) < NAME_WITH_INVESTOR or (
                    fuzz.ratio("甲乙" + p, "甲乙" + q) < NAME_ALONE
                ), (p, q)
    for p in products:  # one shared brand character at most, any product
        assert fuzz.ratio("甲乙" + p, "甲丙" + p) < NAME_ALONE, p


_check_products()


def place_names(rng: random.Random, n: int, suffixes: list[str]) -> list[str]:
    pool = [a + b for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    rng.shuffle(pool)
    if n > len(pool):  # the country has more districts than two characters can name
        extra = [
            a + b + c for a in PLACE_FIRST for b in PLACE_SECOND for c in PLACE_SECOND if b != c
        ]
        rng.shuffle(extra)
        pool += extra
    return [pool[i] + rng.choice(suffixes) for i in range(n)]
