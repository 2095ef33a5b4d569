"""Texts of a refusal for want of a role (layout/error.html): the roles that may, in words."""

from __future__ import annotations

ERROR_ROLE_TEXT = {
    "zh": {"error_roles_allowed": "可以打开此页面的角色：", "error_roles_join": "、"},
    "en": {"error_roles_allowed": "Roles that may open this page: ", "error_roles_join": ", "},
}
