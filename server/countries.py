"""States named in the sources: ISO 3166-1 alpha-3 code and the Chinese forms the texts use.

Codes and English and Chinese names come from pycountry; this table only says which States the
texts name and how they spell them, so that `build_data` can find every paragraph naming each.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class StateName:
    alpha3: str
    forms: tuple[str, ...]           # spellings in the source texts, as printed
    former_name: str | None = None   # set when the text uses a former name: the label is then pycountry's


STATES = [
    StateName("ALB", ("阿尔巴尼亚",)),
    StateName("ARG", ("阿根廷",)),
    StateName("AUS", ("澳大利亚",)),
    StateName("BIH", ("波斯尼亚和黑塞哥维那",)),
    StateName("BRA", ("巴西",)),
    StateName("CAN", ("加拿大",)),
    StateName("CHL", ("智利",)),
    StateName("COD", ("刚果民主共和国",)),
    StateName("COL", ("哥伦比亚",)),
    StateName("DEU", ("德国",)),
    StateName("ECU", ("厄瓜多尔",)),
    StateName("ESP", ("西班牙",)),
    StateName("FJI", ("斐济",)),
    StateName("GEO", ("格鲁吉亚",)),
    StateName("GTM", ("危地马拉",)),
    StateName("HND", ("洪都拉斯",)),
    StateName("IDN", ("印度尼西亚",)),
    StateName("IRQ", ("伊拉克",)),
    StateName("ISL", ("冰岛",)),
    StateName("ITA", ("意大利",)),
    StateName("JOR", ("约旦",)),
    StateName("KGZ", ("吉尔吉斯斯坦",)),
    StateName("KHM", ("柬埔寨",)),
    StateName("KWT", ("科威特",)),
    StateName("LAO", ("老挝人民民主共和国",)),
    StateName("LBN", ("黎巴嫩",)),
    StateName("LKA", ("斯里兰卡",)),
    StateName("LUX", ("卢森堡",)),
    StateName("MAR", ("摩洛哥",)),
    StateName("MDA", ("摩尔多瓦共和国",)),
    StateName("MEX", ("墨西哥",)),
    StateName("MKD", ("前南斯拉夫的马其顿共和国",), former_name="the former Yugoslav Republic of Macedonia"),
    StateName("MNE", ("黑山",)),
    StateName("MYS", ("马来西亚",)),
    StateName("NGA", ("尼日利亚",)),
    StateName("NOR", ("挪威",)),
    StateName("NPL", ("尼泊尔",)),
    StateName("PAK", ("巴基斯坦",)),
    StateName("PER", ("秘鲁",)),
    StateName("PNG", ("巴布亚新几内亚",)),
    StateName("PRT", ("葡萄牙",)),
    StateName("PRY", ("巴拉圭",)),
    StateName("QAT", ("卡塔尔",)),
    StateName("SEN", ("塞内加尔",)),
    StateName("SGP", ("新加坡",)),
    StateName("SLE", ("塞拉利昂",)),
    StateName("SLV", ("萨尔瓦多",)),
    StateName("SOM", ("索马里",)),
    StateName("SRB", ("塞尔维亚",)),
    StateName("TGO", ("多哥",)),
    StateName("THA", ("泰国",)),
    StateName("TUN", ("突尼斯",)),
    StateName("TUR", ("土耳其",)),
    StateName("UGA", ("乌干达",)),
    StateName("UKR", ("乌克兰",)),
    StateName("URY", ("乌拉圭",)),
    StateName("YEM", ("也门",)),
]

# Strings that contain a State's spelling but do not name the State (masked before matching).
NOT_STATES = ("西班牙语",)

BY_FORM = {form: state for state in STATES for form in state.forms}
