"""The command line's summary lines (check, coverage, rank, exits, report monthly) in Chinese and English."""

from __future__ import annotations

from planner.texts.formatting import format_number, format_percent
from planner.texts.words import profile_name

__all__ = ["CLI_TEXT", "profile_label", "summary_line"]

CLI_TEXT = {
    "zh": {
        "check": "{path}：共 {rows} 行，通过 {passed} 行，不通过 {failed} 行，数据有误 {errors} 行"
                 "（布点规则：{profile}）",
        "coverage": "{path}：{areas} 个村/社区，{people} 人中 {share} 已覆盖，无服务的村/社区 {without} 个，"
                    "覆盖空白区 {gaps} 处（布点规则：{profile}）",
        "rank_file": "{path}：{total} 户中 {ranked} 户入选排序",
        "rank_exact": "精确求解：所选组合与最优解的差距已证明不超过 {gap}",
        "exits_fallback": "{last} 尚无交易数据：按有数据的最近月份 {month} 评估（可用 --month 指定）",
        "exits": "{month}：评估服务站 {judged} 个：列入退出 {exit} 个（提议 {proposed} 个），保留 {keep} 个，"
                 "开业未满 {too_new} 个，数据不全 {missing} 个；{cost}",
        "exits_cost": "列入退出的服务站全部关闭将有 {lost} 人失去服务",
        "exits_no_cost": "未测算失去服务的人口",
        "monthly": "{path}：{month}，服务站 {stations} 个（{missing} 个无数据，{below} 个低于 {threshold} 笔），"
                   "报送截止 {due}，首次生成于 {first}（{state}）",
        "never": "尚未生成",
    },
    "en": {
        "check": "{path}: {rows} rows, {passed} pass, {failed} fail, {errors} error (profile {profile})",
        "coverage": "{path}: {areas} areas, {share} of {people} people covered, {without} areas without service, "
                    "{gaps} gaps (profile {profile})",
        "rank_file": "{path}: {ranked} ranked of {total}",
        "rank_exact": "exact: the chosen set is proved within {gap} of the best",
        "exits_fallback": "no transaction figures for {last} yet: judging {month}, the latest month with figures "
                          "(--month to choose)",
        "exits": "{month}: {judged} stations judged: {exit} exit ({proposed} proposed), {keep} keep, "
                 "{too_new} too new, {missing} missing figures; {cost}",
        "exits_cost": "{lost} people lose service if the listed stations close",
        "exits_no_cost": "the loss in service is not measured",
        "monthly": "{path}: {month}, {stations} stations ({missing} without a figure, {below} below {threshold}), "
                   "due {due}, first produced {first} ({state})",
        "never": "-",
    },
}


def profile_label(name: str, lang: str) -> str:
    """`义乌市规则（yiwu）` / `Yiwu rules (yiwu)`: the display name, and the id scripts pass to --profile."""
    shown = profile_name(name, lang)
    if shown == name:
        return name
    return f"{shown}（{name}）" if lang == "zh" else f"{shown} ({name})"


def summary_line(key: str, lang: str, **values) -> str:
    """A summary line in `lang`; whole numbers grouped (1,178), shares as percentages (46.1%)."""
    shown = {}
    for name, value in values.items():
        if name == "share":
            shown[name] = format_percent(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            shown[name] = format_number(value)
        else:
            shown[name] = value
    return CLI_TEXT[lang][key].format(**shown)
