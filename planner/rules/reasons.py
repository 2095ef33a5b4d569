"""Human-readable reasons for verdicts, in Chinese and English."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.spatial.compared import METRES_FORMAT

__all__ = ["SURVEY_FIELDS_ZH", "positional", "reason", "template"]

# "{m}" stands for metres as the rule compared them (planner.spatial.compared): printed to the
# centimetre, so "499.99 m … below the required 500 m" never reads "500.0 m … below 500 m".
_METRES = "{m:" + METRES_FORMAT + "}"
_TEMPLATES: dict[str, tuple[str, ...]] = {  # (English, Chinese)
    "outlet_too_close": ("{m} m from post outlet {id}, below the required {min:g} m",
                         "距邮政网点 {id} {m} 米，不足 {min:g} 米"),
    "station_too_close": ("{m} m from existing station {id}, below the required {min:g} m",
                          "距已有便民服务站 {id} {m} 米，不足 {min:g} 米"),
    "conflict_lost": ("{m} m from applicant {id} in the same list, below the spacing {min:g} m; "
                      "{id} wins with more uncovered people ({win:,.0f} vs {own:,.0f})",
                      "与本批申请户 {id} 相距 {m} 米，不足 {min:g} 米；{id} 的新增服务人口更多"
                      "（{win:,.0f} 对 {own:,.0f}），优先通过"),
    "conflict_lost_service": ("{m} m from applicant {id} in the same list, below the spacing {min:g} m; "
                              "{id} wins with more people served ({win:,.0f} vs {own:,.0f})",
                              "与本批申请户 {id} 相距 {m} 米，不足 {min:g} 米；{id} 的服务人口更多"
                              "（{win:,.0f} 对 {own:,.0f}），优先通过"),
    "conflict_lost_order": ("{m} m from applicant {id} in the same list, below the spacing {min:g} m; "
                            "{id} comes first",
                            "与本批申请户 {id} 相距 {m} 米，不足 {min:g} 米；{id} 排序在前，优先通过"),
    "area_taken": ("{area} already has station {id}", "{area}已有便民服务站 {id}"),
    "area_taken_batch": ("{area} gets applicant {id} from this list", "{area}已由本批申请户 {id} 占用"),
    "area_missing": ("not inside any village or community", "不在任何村或社区范围内"),
    "survey_below": ("{field} {value:g} is below the required {min:g}", "{field_zh} {value:g}，低于要求的 {min:g}"),
    "survey_missing": ("{field} is not given", "未填写{field_zh}"),
    "survey_no": ("{field} is not available", "不具备{field_zh}"),
    "outside_china": ("position ({lon:.6f}, {lat:.6f}) is outside China", "位置（{lon:.6f}，{lat:.6f}）不在中国境内"),
    "offset_outside_china": ("position ({lon:.6f}, {lat:.6f}) in {crs} is outside China, where {crs} is not "
                             "defined: give it in WGS84",
                             "{crs} 坐标只在中国境内有定义，位置（{lon:.6f}，{lat:.6f}）不在中国境内："
                             "请改用 WGS84 坐标"),
    "swapped": ("longitude and latitude look swapped ({lon}, {lat})", "经度与纬度似乎填反了（{lon}，{lat}）"),
    "outside_region": ("outside the registry's district: no village or community within {km:g} km",
                       "超出登记库所辖区域：{km:g} 公里内没有任何村或社区"),
    "far_from_network": ("more than {km:g} km from every post outlet and station in the registry",
                         "距登记库中所有邮政网点和便民服务站均超过 {km:g} 公里"),
    # Walking profiles: the same rules measured on foot, and what only walking can go wrong.
    "outlet_too_close_walking": ("{m} m on foot from post outlet {id}, below the required {min:g} m",
                                 "距邮政网点 {id} 步行 {m} 米，不足 {min:g} 米"),
    "station_too_close_walking": ("{m} m on foot from existing station {id}, below the required {min:g} m",
                                  "距已有便民服务站 {id} 步行 {m} 米，不足 {min:g} 米"),
    "conflict_lost_walking": ("{m} m on foot from applicant {id} in the same list, below the spacing {min:g} m; "
                              "{id} wins with more uncovered people ({win:,.0f} vs {own:,.0f})",
                              "与本批申请户 {id} 步行相距 {m} 米，不足 {min:g} 米；{id} 的新增服务人口更多"
                              "（{win:,.0f} 对 {own:,.0f}），优先通过"),
    "conflict_lost_service_walking": ("{m} m on foot from applicant {id} in the same list, below the spacing "
                                      "{min:g} m; {id} wins with more people served ({win:,.0f} vs {own:,.0f})",
                                      "与本批申请户 {id} 步行相距 {m} 米，不足 {min:g} 米；{id} 的服务人口更多"
                                      "（{win:,.0f} 对 {own:,.0f}），优先通过"),
    "conflict_lost_order_walking": ("{m} m on foot from applicant {id} in the same list, below the spacing "
                                    "{min:g} m; {id} comes first",
                                    "与本批申请户 {id} 步行相距 {m} 米，不足 {min:g} 米；{id} 排序在前，优先通过"),
    "off_road": ("the nearest walkable road is {m} m away, more than the {max:g} m allowed: check the position "
                 "or the road network",
                 "最近的可步行道路在 {m} 米外，超过允许的 {max:g} 米：请核对位置或路网"),
    "outlet_unreachable": ("post outlet {id} is {m} m away in a straight line but cannot be reached on foot on the "
                           "road network (a missing link?), below the required {min:g} m",
                           "邮政网点 {id} 直线距离 {m} 米，但在路网上步行不可达（路网可能缺少连接），不足 {min:g} 米"),
    "station_unreachable": ("existing station {id} is {m} m away in a straight line but cannot be reached on foot "
                            "on the road network (a missing link?), below the required {min:g} m",
                            "已有便民服务站 {id} 直线距离 {m} 米，但在路网上步行不可达（路网可能缺少连接），"
                            "不足 {min:g} 米"),
    "duplicate_id": ("id {id} appears in rows {rows}", "编号 {id} 在第 {rows} 行重复出现"),
}
_TEMPLATES = {key: tuple(text.replace("{m}", _METRES) for text in pair) for key, pair in _TEMPLATES.items()}

SURVEY_FIELDS_ZH = {
    "floor area (m²)": "营业面积（平方米）",
    "display area (m²)": "展示面积（平方米）",
    "months in business": "经营月数",
    "outdoor signage place": "户外标识位",
    "communication line": "通信线路",
}


def template(key: str, lang: str) -> str:
    """The format string of the reason `key` in `lang`."""
    en, zh = _TEMPLATES[key]
    return zh if lang == "zh" else en


def reason(key: str, lang: str, **values: Any) -> str:
    en, zh = _TEMPLATES[key]
    if "field" in values:
        values.setdefault("field_zh", SURVEY_FIELDS_ZH.get(values["field"], values["field"]))
    return (zh if lang == "zh" else en).format(**values)


def positional(key: str, lang: str, names: Sequence[str]) -> str:
    """The reason's template with its named fields made positional (in `names` order).

    str.format with positional arguments is several times faster than with
    keywords, which matters when a million rows get a reason.
    """
    import re

    text = _TEMPLATES[key][0 if lang != "zh" else 1]
    return re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: "{" + str(names.index(m.group(1))) + (m.group(2) or "") + "}",
                  text)
