"""Texts of the OGC API – Features pages under /ogc/ (the registry for QGIS, ArcGIS and GDAL)."""

from __future__ import annotations

OGC_TEXT = {
    "zh": {
        "ogc_title": "OGC API – Features 服务", "ogc_nav": "OGC 服务",
        "ogc_intro": "登记库的网点、服务站、申请户和行政区域，以 OGC API – Features 标准发布："
                     "QGIS、ArcGIS 和 GDAL 可直接读取。脚本与 GIS 软件请在请求头中携带 API 令牌"
                     "（Authorization: Bearer …）。",
        "ogc_collections": "数据集合", "ogc_conformance": "符合的标准类", "ogc_api_doc": "接口描述（OpenAPI）",
        "ogc_as_json": "JSON", "ogc_items": "要素", "ogc_items_html": "浏览要素", "ogc_queryables": "可筛选属性",
        "ogc_count": "共 {matched} 个要素，本页 {returned} 个（自第 {first} 个起）", "ogc_prev": "上一页",
        "ogc_next": "下一页", "ogc_extent": "范围（经纬度）", "ogc_crs": "可用坐标系", "ogc_storage_crs": "存储坐标系",
        "ogc_filters": "筛选参数", "ogc_collection": "集合", "ogc_feature": "要素", "ogc_position": "位置",
        "ogc_none": "没有符合条件的要素",
        "ogc_applicants": "待处理加盟申请户（{profile}判定）",
        "ogc_desc_outlets": "邮政营业网点和代办点", "ogc_desc_stations": "便民服务站（含待退出、已关闭）",
        "ogc_desc_candidates": "全部加盟申请户及勘察情况", "ogc_desc_areas": "村、社区、街道、乡镇及人口",
        "ogc_desc_applicants": "待勘察、待决定和待补充材料的申请户，附规则结论和最近网点、服务站距离（米）",
        "ogc_time": "时间筛选（datetime）按要素最后变更时间 updated_at。",
        "ogc_updated_at": "最后变更时间", "ogc_parent_code": "所属代码",
    },
    "en": {
        "ogc_title": "OGC API – Features", "ogc_nav": "OGC API",
        "ogc_intro": "The registry's outlets, stations, applicants and areas by the OGC API – Features standard: "
                     "QGIS, ArcGIS and GDAL read them as they are. Scripts and GIS clients send an API token "
                     "in a header (Authorization: Bearer …).",
        "ogc_collections": "Collections", "ogc_conformance": "Conformance classes",
        "ogc_api_doc": "API description (OpenAPI)", "ogc_as_json": "JSON", "ogc_items": "Features",
        "ogc_items_html": "Browse the features", "ogc_queryables": "Queryables",
        "ogc_count": "{matched} features, {returned} on this page (from number {first})", "ogc_prev": "Previous",
        "ogc_next": "Next", "ogc_extent": "Extent (lon/lat)", "ogc_crs": "Coordinate systems",
        "ogc_storage_crs": "Storage CRS", "ogc_filters": "Filters", "ogc_collection": "Collection",
        "ogc_feature": "Feature", "ogc_position": "Position", "ogc_none": "No feature matches",
        "ogc_applicants": "Open applicants ({profile})",
        "ogc_desc_outlets": "Post office branches and agencies",
        "ogc_desc_stations": "Convenience stations (listed for exit and closed ones too)",
        "ogc_desc_candidates": "Every applicant with its survey facts",
        "ogc_desc_areas": "Villages, communities, subdistricts and townships with their population",
        "ogc_desc_applicants": "Applicants awaiting survey, decision or information, with the rules' verdict and "
                               "the nearest outlet and station (metres)",
        "ogc_time": "The datetime filter compares each feature's last change, updated_at.",
        "ogc_updated_at": "Last changed", "ogc_parent_code": "Parent code",
    },
}
