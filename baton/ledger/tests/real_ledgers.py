"""Workbooks laid out as real offices keep them: the exact columns of 德清's weekly
in-negotiation ledger, 漳州's key-project ledger and a town-management system's
government project entity, with values as such offices write them (their own industry
words, their own unit and leader names, no system codes)."""

import io

from openpyxl import Workbook

DEQING_HEADERS = [
    "序号",
    "项目名称",
    "投资方",
    "固定资产投资",
    "投资方简介",
    "项目内容",
    "需用土地",
    "企业联系人",
    "联系方式",
    "片区",
    "进度、备注",
    "产业类型",
    "研判结果",
]
DEQING_ROWS = [
    [
        1,
        "高端数控机床整机制造项目",
        "上海精工数控机床有限公司",
        52000,
        "国内数控机床龙头企业，年产值约20亿元",
        "建设五轴联动数控机床整机生产线",
        80,
        "李经理",
        "13912345678",
        "上海片区",
        "已完成两轮洽谈，正在商谈供地方案",
        "高端装备",
        "重点推进",
    ],
    [
        2,
        "集成电路封装测试项目",
        "苏州芯联半导体科技有限公司",
        30000,
        "专注先进封装，客户覆盖长三角",
        "建设晶圆级封装测试产线",
        50,
        "周总",
        "13812340000",
        "上海片区",
        "对方已实地考察，待董事会决策",
        "集成电路",
        "继续跟踪",
    ],
    [
        3,
        "先进装备制造产业园项目",
        "杭州恒远装备集团有限公司",
        120000,
        "省级专精特新企业",
        "建设智能装备产业园",
        200,
        "吴经理",
        "13700001111",
        "杭州片区",
        "洽谈中",
        "先进装备制造",
        "重点推进",
    ],
]

ZHANGZHOU_HEADERS = [
    "序号",
    "项目名称",
    "项目性质",
    "建设内容及规模",
    "建设起止时间",
    "总投资（万元）",
    "至2009年底累计完成投资（万元）",
    "2010年计划投资（万元）",
    "2010年1-7月完成投资（万元）",
    "8月上旬完成投资",
    "8月中旬完成投资",
    "后五个月关键节点的目标情况说明",
    "大干150天力争完成的投资额（万元）",
    "2010年力争完成的投资额（万元）",
    "项目业主单位业主名称",
    "项目业主单位负责人",
    "项目业主单位联系人",
    "项目业主单位电话及传真",
    "挂钩责任单位单位名称",
    "挂钩责任单位责任人",
    "挂钩责任单位联络人",
    "挂钩责任单位电话及传真",
    "挂钩领导",
    "行业",
    "报表名",
    "导入用户",
    "项目级别",
    "区域",
    "所属开发区",
]


def _zhangzhou(n, name, kind, content, amount, owner, unit, leader, industry, level):
    return [
        n,
        name,
        kind,
        content,
        "2010-2012",
        amount,
        amount // 10,
        amount // 4,
        amount // 8,
        500,
        600,
        "9月完成主体厂房封顶，12月设备进场",
        amount // 5,
        amount // 4,
        owner,
        "林建国",
        "陈工",
        "0596-2345678 传真 0596-2345679",
        unit,
        "王局长",
        "郑科长",
        "0596-2020202",
        leader,
        industry,
        "新增长区域发展战役项目",
        "admin",
        level,
        "翔安区",
        "翔安火炬产业区",
    ]


ZHANGZHOU_ROWS = [
    _zhangzhou(
        1,
        "后石电厂二期扩建工程",
        "扩建",
        "新建2台60万千瓦超临界燃煤机组",
        450000,
        "福建后石能源有限公司",
        "市发改委",
        "张国华",
        "能源",
        "省级重点",
    ),
    _zhangzhou(
        2,
        "圆山新城汽车零部件产业园",
        "新建",
        "建设汽车零部件生产基地，年产发动机缸体50万件",
        85000,
        "漳州华驰汽车配件有限公司",
        "市经贸委",
        "张国华",
        "工业",
        "市级重点",
    ),
    _zhangzhou(
        3,
        "九龙江口滨海旅游综合体",
        "新建",
        "建设滨海度假酒店及商业配套",
        60000,
        "漳州滨海旅游开发有限公司",
        "市发改委",
        "李明",
        "旅游业",
        "县级重点",
    ),
]

TOWN_HEADERS = [
    "政府招商项目名称",
    "项目编号",
    "所属地区",
    "所在镇/街道/开发区",
    "合作方式",
    "主管单位",
    "所属行业",
    "用地规模",
    "容积率",
    "规划用途",
    "投资强度",
    "投资总额",
    "预计建设期",
    "规划地址",
    "建设内容",
    "建设条件",
    "优惠政策",
    "要素分析",
    "效益分析",
    "备注",
    "联系单位",
    "联系人",
    "联系方式",
]


def _town(name, code, town, industry, area, amount, remark):
    return [
        name,
        code,
        "翔安区",
        town,
        "独资",
        "区工信局",
        industry,
        area,
        "1.2",
        "工业用地",
        "300万元/亩",
        amount,
        "2年",
        "马巷镇滨海东大道以南",
        "建设研发楼及标准厂房",
        "七通一平，已完成土地征收",
        "按区产业扶持政策执行",
        "用电负荷约8000千伏安",
        "达产后年产值约5亿元、税收约3000万元",
        remark,
        "马巷镇招商办",
        "黄主任",
        "0592-7000000",
    ]


TOWN_ROWS = [
    _town("智能传感器研发制造项目", "ZS-2023-001", "马巷镇", "新一代信息技术", 60, 18000, ""),
    _town("锂电池隔膜材料项目", "ZS-2023-002", "马巷镇", "新能源", 120, 65000, "重点项目"),
    _town("航空维修配套基地", "ZS-2023-003", "新圩镇", "航空航天", 90, 40000, ""),
]

#: Stage words of real systems (在谈项目, 启动项目, 已签约, 洽谈中 …) under 项目状态.
STAGE_HEADERS = ["项目名称", "投资方", "项目状态", "总投资（万元）", "签约日期", "所属行业"]
STAGE_ROWS = [
    ["光伏逆变器生产项目", "厦门光能科技有限公司", "在谈项目", 20000, None, "新能源"],
    ["生物医药中试基地", "鹭岛生物医药有限公司", "洽谈中", 15000, None, "生物医药"],
    ["新材料产业化项目", "翔安新材料股份有限公司", "已签约", 36000, "2024-03-18", "新材料"],
    ["航空零部件项目", "翔安航空零部件有限公司", "启动项目", 48000, "2024-01-09", "航空航天"],
    ["电子信息配套项目", "鹭岛电子有限公司", "意向项目", 8000, None, "电子信息"],
]


def deqing_book(rows=DEQING_ROWS) -> bytes:
    """德清县驻点招商项目信息采集表: a title, a summary and a 填报 line above the header
    row, and the footer notes under the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2024德清县驻点招商项目信息采集表"
    ws.append(["2024德清县驻点招商项目信息采集表"])
    ws.append(
        [
            "共上报在谈项目3个（新增1个），（其中产业项目3个，人才项目0个，地理信息项目0个，"
            "上海资5亿元以上项目1个"
        ]
    )
    ws.append(["所属片组：上海片组", None, "填报人：王敏", None, "联系电话：0572-8888888"])
    ws.append(DEQING_HEADERS)
    for line in rows:
        ws.append(line)
    ws.append(["备注：1.本表由各招商组组长（部长）认真审核后统一上报至招商科；"])
    ws.append(["2.有新增项目或者项目有进度更新时都需要填写本报表，如无不需填写；"])
    return _save(wb)


def table_book(headers, rows, sheet="Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for line in rows:
        ws.append(line)
    return _save(wb)


def zhangzhou_book() -> bytes:
    return table_book(ZHANGZHOU_HEADERS, ZHANGZHOU_ROWS, "项目明细表")


def town_book() -> bytes:
    return table_book(TOWN_HEADERS, TOWN_ROWS, "政府招商项目")


def stage_book() -> bytes:
    return table_book(STAGE_HEADERS, STAGE_ROWS)


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
