"""The registry's tokens as people read them, in Chinese and English: verdicts, statuses, levels, yes/no,
rule profile names and the keys a history entry records.

Files meant for scripts keep the tokens (interfaces.md); everything meant for people (pages, .xlsx and .html
exports, command-line summaries) shows these words instead.
"""

from __future__ import annotations

__all__ = ["AREA_LEVEL", "BOOLEAN", "CANDIDATE_STATUS", "CHANGE_LABELS", "COVERAGE_STATUS", "EXIT_VERDICT",
           "OUTLET_KIND", "PROFILE_NAMES", "ROLE", "STATION_STATUS", "VERDICT", "change_label", "profile_name",
           "value_words", "word"]

Words = dict[str, tuple[str, str]]  # token: (Chinese, English)

VERDICT: Words = {"pass": ("通过", "pass"), "fail": ("不通过", "fail"), "error": ("数据有误", "error")}
COVERAGE_STATUS: Words = {"none": ("无服务", "no service"), "partly": ("部分覆盖", "partly covered"),
                          "covered": ("已覆盖", "covered")}
AREA_LEVEL: Words = {"community": ("社区", "community"), "village": ("村", "village"),
                     "subdistrict": ("街道", "sub-district"), "township": ("乡镇", "township")}
CANDIDATE_STATUS: Words = {
    "submitted": ("待勘察", "awaiting survey"), "surveyed": ("待决定", "awaiting decision"),
    "needs_info": ("待补充材料", "needs information"), "approved": ("已批准", "approved"),
    "rejected": ("已拒绝", "rejected"), "opened": ("已开业", "opened"),
    "listed_for_exit": ("待退出", "listed for exit"),
    "closed": ("已关闭", "closed"), "open": ("营业中", "open"),
}
STATION_STATUS: Words = {"open": ("营业中", "open"), "listed_for_exit": ("待退出", "listed for exit"),
                         "closed": ("已关闭", "closed")}
OUTLET_KIND: Words = {"branch": ("营业网点", "branch"), "agency": ("代办点", "agency")}
EXIT_VERDICT: Words = {"exit": ("列入退出", "listed for exit"), "keep": ("保留", "kept"),
                       "too_new": ("开业未满", "too new"), "missing": ("数据不全", "figures missing")}
ROLE: Words = {"staff": ("工作人员", "staff"), "planner": ("规划人员", "planner"), "admin": ("管理员", "administrator")}
BOOLEAN = {True: ("是", "yes"), False: ("否", "no")}

# Every built-in profile's display name; the id (yiwu, …) stays what scripts pass to --profile.
PROFILE_NAMES: Words = {
    "yiwu": ("义乌市规则", "Yiwu rules"), "mianyang": ("绵阳市规则", "Mianyang rules"),
    "heilongjiang": ("黑龙江省规则", "Heilongjiang rules"), "shunyi": ("顺义区规则", "Shunyi rules"),
}

# The keys a history entry (events.changes) records, by the sites, the decisions, accounts and imports.
CHANGE_LABELS: Words = {
    "geom": ("位置", "Position"), "on": ("日期", "Date"), "name": ("名称", "Name"), "address": ("地址", "Address"),
    "kind": ("类型", "Kind"), "status": ("状态", "Status"), "operator": ("经营者", "Operator"),
    "opened_on": ("开业日期", "Opened on"), "reported_on": ("报送日期", "Reported on"), "note": ("备注", "Note"),
    "area_m2": ("营业面积（平方米）", "Floor area (m²)"), "display_m2": ("展示面积（平方米）", "Display area (m²)"),
    "months_in_business": ("经营月数", "Months in business"), "signage": ("户外标识位", "Outdoor signage place"),
    "line": ("通信线路", "Communication line"), "level": ("级别", "Level"), "population": ("人口", "Population"),
    "households": ("户数", "Households"), "parent_code": ("所属代码", "Parent code"),
    "attrs": ("其他属性", "Other fields"),
    "code": ("编号", "Code"), "candidate_id": ("来自申请户", "From applicant"), "role": ("角色", "Role"),
    "failures": ("登录失败次数", "Failed sign-ins"), "total": ("总人口", "Total population"),
    "shape": ("栅格行列数", "Raster rows × columns"), "nodes": ("路网节点", "Road nodes"),
    "segments": ("路段", "Road segments"), "month": ("月份", "Month"), "count": ("交易笔数", "Transactions"),
    "format": ("格式", "Format"), "profile": ("布点规则", "Siting rules"), "verdict": ("结论", "Verdict"),
    "created": ("新增", "Created"), "updated": ("更新", "Updated"), "unchanged": ("未变", "Unchanged"),
    "restored": ("恢复", "Restored"), "deleted": ("删除", "Deleted"), "reason": ("理由", "Reason"),
    "deleted_at": ("删除时间", "Deleted at"), "station": ("便民服务站", "Station"),
    "months": ("判定月份（月份:笔数）", "Deciding months (month:count)"), "reasons": ("原因", "Reasons"),
    "lost_population": ("失去服务人口", "People losing service"),
    "candidate": ("申请户", "Applicant"), "action": ("操作", "Action"), "kind_of_visit": ("回访类型", "Visit kind"),
}

# Which words a key's values are, when they are tokens.
_VALUE_WORDS: dict[str, Words] = {"status": CANDIDATE_STATUS, "kind": OUTLET_KIND, "level": AREA_LEVEL,
                                  "role": ROLE, "verdict": {**VERDICT, **EXIT_VERDICT}}


def word(table: Words, token, lang: str) -> str:
    """The word for `token` in `lang`; the token itself when the table has none (a custom value)."""
    if isinstance(token, bool):
        zh, en = BOOLEAN[token]
        return zh if lang == "zh" else en
    pair = table.get(token) if isinstance(token, str) else None
    if pair is None:
        return "" if token is None else str(token)
    return pair[0] if lang == "zh" else pair[1]


def value_words(key: str) -> Words:
    """The words of a history key's token values (statuses, kinds, levels, roles); empty when free text."""
    return _VALUE_WORDS.get(key, {})


def change_label(key: str, lang: str) -> str:
    """The label of a history key; an unknown key reads as itself with underscores as spaces."""
    pair = CHANGE_LABELS.get(key)
    if pair is None:
        return key.replace("_", " ")
    return pair[0] if lang == "zh" else pair[1]


def profile_name(name: str, lang: str) -> str:
    """A rule profile's display name (义乌市规则 / Yiwu rules); a custom profile is shown by its own name."""
    pair = PROFILE_NAMES.get(name)
    if pair is None:
        return name
    return pair[0] if lang == "zh" else pair[1]
