"""Texts of the web import page (registry files loaded by planners and admins)."""

from __future__ import annotations

IMPORT_TEXT = {
    "zh": {
        "imports": "导入数据", "import_title": "导入登记库文件", "import_kind": "数据类型", "import_file": "文件",
        "import_file_hint": "CSV、XLSX、GeoJSON、GeoPackage 或 Shapefile（.zip）；与命令 planner import 相同的规则",
        "import_replace": "文件中没有的同类记录标记为删除", "import_start": "导入", "import_kind_branches": "邮政网点",
        "import_kind_stations": "便民服务站", "import_kind_candidates": "加盟申请户", "import_kind_areas": "行政区域",
        "import_kind_transactions": "交易记录", "import_refused": "文件有误，未导入任何数据：",
        "import_done": "已导入 {file}", "import_repairs": "已修复后导入的行：", "import_notes": "说明：",
        "import_summary": "新增 {created}，更新 {updated}，恢复 {restored}，未变 {unchanged}，删除 {deleted}",
        "import_no_file": "请选择要导入的文件",
    },
    "en": {
        "imports": "Import", "import_title": "Import a registry file", "import_kind": "Kind", "import_file": "File",
        "import_file_hint": "CSV, XLSX, GeoJSON, GeoPackage or Shapefile (.zip); the rules of `planner import`",
        "import_replace": "mark records of this kind missing from the file as deleted", "import_start": "Import",
        "import_kind_branches": "post outlets", "import_kind_stations": "stations",
        "import_kind_candidates": "applicants", "import_kind_areas": "areas",
        "import_kind_transactions": "transactions", "import_refused": "The file has problems; nothing was loaded:",
        "import_done": "Imported {file}", "import_repairs": "Rows loaded after a repair:", "import_notes": "Notes:",
        "import_summary": "{created} created, {updated} updated, {restored} restored, {unchanged} unchanged, "
        "{deleted} deleted",
        "import_no_file": "choose a file to import",
    },
}
