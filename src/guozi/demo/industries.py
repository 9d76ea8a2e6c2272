"""The fictional group's world: the group's name, the industries of its level-2 subsidiaries (with
their typical ratios), and the cities, brands and ordinals its subsidiaries are named from."""

from __future__ import annotations

from dataclasses import dataclass

GROUP_NAME = "华夏实业集团有限公司"
ID_PREFIX = "HX"

CATEGORIES = ("commercial_competitive", "commercial_strategic", "public_welfare")


@dataclass(frozen=True)
class Industry:
    """Typical ratios of one GB/T 4754 division, the level-2 names and the leaves' name words."""

    code: str
    names: tuple[str, str]
    words: tuple[str, ...]
    category: str
    turnover: float  # revenue / total assets
    debt: float  # debt ratio
    rd: float  # R&D investment / revenue
    ocf: float  # operating cash flow / revenue
    sei: float  # strategic-emerging-industry share of revenue
    current: float  # current assets / total assets


# fmt: off
INDUSTRIES: tuple[Industry, ...] = (
    #        code   level-2 names  leaf name words  category  turnover debt rd ocf sei current
    Industry("E48", ("华夏建设工程集团有限公司", "华夏第二工程局有限公司"),
             ("建设工程", "路桥", "市政工程", "基础设施"),
             "commercial_competitive", 0.85, 0.78, 0.0144, 0.024, 0.10, 0.70),
    Industry("D44", ("华夏电力有限公司", "华夏新能源有限公司"),
             ("发电", "热电", "新能源", "风电", "光伏发电"),
             "commercial_strategic", 0.36, 0.72, 0.0080, 0.160, 0.40, 0.18),
    Industry("C26", ("华夏化工集团有限公司", "华夏新材料有限公司"),
             ("化工", "新材料", "精细化工", "化肥"),
             "commercial_competitive", 0.95, 0.62, 0.0160, 0.064, 0.25, 0.40),
    Industry("C37", ("华夏装备制造有限公司", "华夏航空工业有限公司"),
             ("轨道装备", "船舶", "航空部件", "机车车辆"),
             "commercial_strategic", 0.70, 0.68, 0.0320, 0.048, 0.60, 0.60),
    Industry("B06", ("华夏能源控股有限公司", "华夏煤业有限公司"),
             ("煤业", "矿业", "洗选煤", "煤矿"),
             "commercial_strategic", 0.60, 0.64, 0.0080, 0.120, 0.05, 0.30),
    Industry("I63", ("华夏数字科技有限公司", "华夏信息网络有限公司"),
             ("信息技术", "数据科技", "网络服务", "数字科技"),
             "commercial_strategic", 0.60, 0.52, 0.0280, 0.144, 0.70, 0.40),
    Industry("K70", ("华夏置业有限公司", "华夏城市发展有限公司"),
             ("置业", "房地产开发", "物业", "城市开发"),
             "commercial_competitive", 0.28, 0.79, 0.0016, 0.024, 0.02, 0.75),
    Industry("M73", ("华夏科学研究总院有限公司", "华夏检测认证有限公司"),
             ("研究院", "检测技术", "设计研究", "工程技术"),
             "commercial_competitive", 0.60, 0.52, 0.0600, 0.064, 0.70, 0.55),
    Industry("G53", ("华夏铁路投资有限公司", "华夏物流有限公司"),
             ("铁路物流", "铁路运输", "货运", "物流"),
             "commercial_strategic", 0.36, 0.66, 0.0064, 0.128, 0.10, 0.15),
    Industry("F51", ("华夏国际贸易有限公司", "华夏供应链管理有限公司"),
             ("贸易", "供应链", "进出口", "商贸"),
             "commercial_competitive", 1.80, 0.74, 0.0016, 0.016, 0.05, 0.80),
    Industry("D46", ("华夏水务有限公司", "华夏环境有限公司"),
             ("水务", "供水", "污水处理", "水处理"),
             "public_welfare", 0.25, 0.64, 0.0064, 0.144, 0.05, 0.15),
    Industry("G55", ("华夏海运有限公司", "华夏港航有限公司"),
             ("航运", "港务", "船务", "海运"),
             "commercial_strategic", 0.50, 0.64, 0.0048, 0.096, 0.05, 0.30),
    Industry("C39", ("华夏电子信息有限公司", "华夏半导体有限公司"),
             ("电子", "半导体", "通信设备", "智能终端"),
             "commercial_competitive", 0.90, 0.60, 0.0360, 0.064, 0.65, 0.60),
    Industry("N78", ("华夏城市服务有限公司", "华夏公用事业有限公司"),
             ("市政服务", "公用设施", "环卫", "园林"),
             "public_welfare", 0.22, 0.68, 0.0024, 0.064, 0.03, 0.25),
    Industry("C34", ("华夏机械有限公司", "华夏重工有限公司"),
             ("机械", "重工", "通用设备", "动力设备"),
             "commercial_competitive", 0.80, 0.66, 0.0200, 0.056, 0.35, 0.60),
)

CITIES: tuple[tuple[str, str], ...] = (
    ("北京", "北京市"), ("天津", "天津市"), ("上海", "上海市"), ("重庆", "重庆市"),
    ("石家庄", "河北省"), ("唐山", "河北省"), ("太原", "山西省"), ("大同", "山西省"),
    ("呼和浩特", "内蒙古自治区"), ("鄂尔多斯", "内蒙古自治区"), ("沈阳", "辽宁省"),
    ("大连", "辽宁省"), ("长春", "吉林省"), ("哈尔滨", "黑龙江省"), ("南京", "江苏省"),
    ("苏州", "江苏省"), ("无锡", "江苏省"), ("杭州", "浙江省"), ("宁波", "浙江省"),
    ("合肥", "安徽省"), ("芜湖", "安徽省"), ("福州", "福建省"), ("厦门", "福建省"),
    ("南昌", "江西省"), ("济南", "山东省"), ("青岛", "山东省"), ("烟台", "山东省"),
    ("郑州", "河南省"), ("洛阳", "河南省"), ("武汉", "湖北省"), ("宜昌", "湖北省"),
    ("长沙", "湖南省"), ("株洲", "湖南省"), ("广州", "广东省"), ("深圳", "广东省"),
    ("佛山", "广东省"), ("南宁", "广西壮族自治区"), ("海口", "海南省"), ("成都", "四川省"),
    ("绵阳", "四川省"), ("贵阳", "贵州省"), ("昆明", "云南省"), ("拉萨", "西藏自治区"),
    ("西安", "陕西省"), ("宝鸡", "陕西省"), ("兰州", "甘肃省"), ("西宁", "青海省"),
    ("银川", "宁夏回族自治区"), ("乌鲁木齐", "新疆维吾尔自治区"), ("包头", "内蒙古自治区"),
)
BRANDS: tuple[str, ...] = (
    "恒泰", "宏远", "嘉禾", "瑞丰", "鼎盛", "华兴", "永安", "昌盛", "中原", "东方",
    "长城", "长江", "黄河", "泰山", "天元", "金桥", "新远", "博达", "立信", "联创",
    "启明", "凯旋", "海川", "山河", "锦程", "晨光", "通达", "安顺", "润泽", "和信",
    "信达", "同舟", "致远", "振华", "兴业", "汇通", "聚源", "广源", "富源", "裕丰",
)
# fmt: on
ORDINALS = "二三四五六七八九十"
