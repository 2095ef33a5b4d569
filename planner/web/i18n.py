"""Interface language: Simplified Chinese by default, English on request."""

from __future__ import annotations

from flask import request

LANGUAGES = ("zh", "en")

TEXT = {
    "zh": {
        "app": "邮政便民服务站网点规划", "overview": "总览地图", "basemap": "底图",
        "areas": "行政区域", "outlets": "邮政网点", "stations": "便民服务站", "candidates": "加盟申请户",
        "name": "名称", "code": "编号", "kind": "类型", "status": "状态", "address": "地址",
        "population": "人口", "legend": "图例", "counts": "登记库", "transactions": "交易记录",
        "empty": "登记库为空：请先运行 planner import 导入数据。", "language": "English",
        "api": "接口文档",
    },
    "en": {
        "app": "Postal convenience station planner", "overview": "Overview map", "basemap": "Base map",
        "areas": "Areas", "outlets": "Post outlets", "stations": "Stations",
        "candidates": "Applicants", "name": "Name", "code": "Code", "kind": "Kind", "status": "Status",
        "address": "Address", "population": "Population", "legend": "Legend", "counts": "Registry",
        "transactions": "Transactions",
        "empty": "The registry is empty: load data with planner import first.", "language": "中文",
        "api": "API",
    },
}


def current_lang() -> str:
    """`?lang=` beats the cookie; default Chinese."""
    lang = request.args.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in LANGUAGES else "zh"


def texts(lang: str) -> dict:
    return TEXT[lang]
