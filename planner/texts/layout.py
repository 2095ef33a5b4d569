"""Texts of the layout shell: the top bar and its menu, the map's tile note, the error pages."""

from __future__ import annotations

from planner.texts.imports import IMPORT_TEXT
from planner.texts.search import SEARCH_TEXT

LAYOUT_TEXT = {
    "zh": {
        "menu": "菜单", "show": "显示", "tiles_failed": "底图瓦片无法加载（可能处于离线状态），地图只显示数据图层",
        "api_docs": "接口文档", "api_docs_title": "接口文档（OpenAPI）",
        "api_docs_intro": "本系统的 HTTP 接口说明：调用时使用 API 令牌（Authorization: Bearer …）。"
        "机器可读的原始描述：",
        "api_docs_noscript": "显示接口文档需要启用 JavaScript；原始描述见上方链接。",
        "api_docs_ogc": "QGIS、ArcGIS 等 GIS 软件可按 OGC API – Features 标准直接读取登记库（同样使用 API 令牌）：",
        "api_docs_licence": "接口文档界面使用 Swagger UI（Apache-2.0 许可），由本服务器提供。",
        "error_title_400": "请求有误", "error_title_401": "请先登录", "error_title_403": "没有权限",
        "error_title_404": "找不到页面或记录", "error_title_405": "不支持该请求方式",
        "error_title_409": "数据已被他人修改", "error_title_413": "上传内容过大", "error_title_429": "请求过于频繁",
        "error_title_500": "服务器内部错误",
        "error_400": "请求有误：请检查填写的内容后重试", "error_403": "您没有打开此页面或执行此操作的权限",
        "error_404": "此地址没有页面", "error_405": "此地址不接受这种请求",
        "error_500": "服务器出错，错误已记录", "error_413": "上传内容过大",
        "error_413_limit": "上传内容超过 {size} 的上限：请拆分文件或删去不需要的列",
        "error_403_role": "{name}（{role}）无权打开此页面或执行此操作：需要{needed}或更高权限",
        "error_back": "返回总览地图", "error_signin": "登录",
    },
    "en": {
        "menu": "Menu", "show": "Show", "tiles_failed": "Base map tiles could not be loaded (offline?): "
        "the map shows the data layers only",
        "api_docs": "API", "api_docs_title": "API documentation (OpenAPI)",
        "api_docs_intro": "The HTTP interface of this system: call it with an API token (Authorization: Bearer …). "
        "The machine-readable description:",
        "api_docs_noscript": "The documentation needs JavaScript; the raw description is linked above.",
        "api_docs_ogc": "GIS software (QGIS, ArcGIS) reads the registry by the OGC API – Features standard, with the "
                        "same API token:",
        "api_docs_licence": "The documentation viewer is Swagger UI (Apache-2.0 licence), served by this server.",
        "error_title_400": "Bad request", "error_title_401": "Sign in first", "error_title_403": "Not allowed",
        "error_title_404": "Not found", "error_title_405": "Method not allowed",
        "error_title_409": "Changed by someone else", "error_title_413": "Upload too large",
        "error_title_429": "Too many requests", "error_title_500": "Internal error",
        "error_400": "the request was not understood: check what was entered and try again",
        "error_403": "you may not open this page or do this",
        "error_404": "there is no page at this address",
        "error_405": "this address does not accept that kind of request",
        "error_500": "something went wrong on the server; the error was logged", "error_413": "the upload is too large",
        "error_413_limit": "the upload is larger than the limit of {size}: split the file or remove columns you "
        "do not need",
        "error_403_role": "{name} ({role}) may not open this page or do this: it needs the {needed} role or above",
        "error_back": "Back to the overview map", "error_signin": "Sign in",
    },
}

# The search box and the import page hang off the top bar: their texts come with the shell's.
for _lang in LAYOUT_TEXT:
    LAYOUT_TEXT[_lang].update(SEARCH_TEXT[_lang])
    LAYOUT_TEXT[_lang].update(IMPORT_TEXT[_lang])
