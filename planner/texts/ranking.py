"""Texts of the ranking page, the site pages' map legend and relocation picker, and printing a map page."""

from __future__ import annotations

__all__ = ["RANKING_TEXT"]

RANKING_TEXT = {
    "zh": {
        # the best-N ranking page
        "ranking": "最优选址", "ranking_title": "最优选址排名（最多新增服务人口）", "rank_count": "选择数量 N",
        "rank_method": "求解方法", "method_greedy": "贪心（快速）", "method_exact": "精确最优（较慢）",
        "rank_show": "计算排名", "rank_no": "名次", "added_population": "新增服务人口",
        "cumulative_covered": "累计覆盖人口", "cumulative_share": "累计覆盖率", "total_added": "合计新增服务人口",
        "covered_now": "现覆盖人口", "total_population": "总人口", "ranked_picks": "入选申请户",
        "no_picks": "没有符合距离规则、能新增服务人口的加盟申请户。", "download_ranking": "下载排名",
        "service_area": "服务范围（{m:g} 米）", "service_area_on_foot": "服务范围（步行 {m:g} 米，图示为直线半径）",
        "rank_count_help": "1 至 {max}", "rank_eligible": "参评申请户",
        # the site pages' map legend and relocation
        "site_here": "本址", "site_new_place": "新位置", "site_current_place": "现址",
        "rule_outlet_ring": "距网点最小距离 {m:g} 米", "rule_station_ring": "距服务站最小距离 {m:g} 米",
        "nearby_applicants": "附近其他申请户", "walking_route": "步行路线",
        "relocate_pick_help": "在地图上点击选择新位置（可拖动标记），或输入坐标并选择坐标系。先检查，再确认迁址。",
        "picked_marker": "选定的新位置",
        # printing
        "print": "打印", "printed_at": "打印时间", "china_time": "北京时间",
    },
    "en": {
        "ranking": "Best sites", "ranking_title": "Best-N ranking (most people added)", "rank_count": "How many (N)",
        "rank_method": "Method", "method_greedy": "Greedy (fast)", "method_exact": "Proved optimum (slower)",
        "rank_show": "Rank", "rank_no": "Rank", "added_population": "People added",
        "cumulative_covered": "Covered so far", "cumulative_share": "Coverage so far",
        "total_added": "People added in all",
        "covered_now": "Covered now", "total_population": "Population", "ranked_picks": "Chosen applicants",
        "no_picks": "No applicant keeps the distance rules and adds people.",
        "download_ranking": "Download the ranking",
        "service_area": "Service area ({m:g} m)", "service_area_on_foot": "Service area ({m:g} m on foot; drawn as a "
        "straight-line radius)",
        "rank_count_help": "1 to {max}", "rank_eligible": "Applicants ranked",
        "site_here": "This place", "site_new_place": "New place", "site_current_place": "Where it stands now",
        "rule_outlet_ring": "Minimum distance to an outlet: {m:g} m",
        "rule_station_ring": "Minimum distance to a station: {m:g} m",
        "nearby_applicants": "Other applicants nearby", "walking_route": "Walking route",
        "relocate_pick_help": "Click the map to pick the new place (the marker can be dragged), or type coordinates "
        "and choose their system. Check it, then confirm the move.",
        "picked_marker": "The new place picked",
        "print": "Print", "printed_at": "Printed", "china_time": "China time",
    },
}
