"""Rule profiles: siting rules as data (TOML), never constants in code.

Built-in profiles live in planner/rules/builtin_profiles/*.toml; a custom profile is a TOML
file with the same keys. Unknown keys, wrong types and impossible values are
errors that name the file and the key.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from planner.config import DEFAULT_PROFILE
from planner.errors import UsageError
from planner.rules.vocabulary import AREA_LEVELS, OUTLET_KINDS
from planner.texts.words import profile_name

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["BUILT_IN", "CoverageThresholds", "ExitRule", "Profile", "SurveyRules", "load_profile"]

PROFILE_DIR = Path(__file__).resolve().parent / "builtin_profiles"
BUILT_IN = tuple(sorted(p.stem for p in PROFILE_DIR.glob("*.toml")))
METRICS = ("straight", "walking")
CONFLICT_WINNERS = ("marginal_population", "service_population", "input_order")

_Rules = TypeVar("_Rules", bound="DataclassInstance")  # Profile and its tables


@dataclass(frozen=True)
class SurveyRules:
    """Site-survey conditions; 0 / false means the condition is not checked."""

    min_area_m2: float = 0.0
    min_display_m2: float = 0.0
    require_signage: bool = False
    require_line: bool = False
    min_months_in_business: float = 0.0

    @property
    def enabled(self) -> bool:
        return any(dataclasses.astuple(self))


@dataclass(frozen=True)
class CoverageThresholds:
    """An area is 'covered' at covered_share or more, 'partly' above partly_share."""

    partly_share: float = 0.0
    covered_share: float = 0.8


@dataclass(frozen=True)
class ExitRule:
    """When a station is listed for exit (运营/退出机制, seeds/001…): fewer than `min_monthly_count`
    transactions in each of `low_months` consecutive months, or (with `zero_month_exits`) a month with none.
    A month without a figure decides nothing unless `missing_month_is_zero`; a station is judged once it has
    been open `low_months` full months."""

    min_monthly_count: int = 20
    low_months: int = 3
    zero_month_exits: bool = True
    missing_month_is_zero: bool = False


@dataclass(frozen=True)
class Profile:
    name: str
    title_zh: str = ""
    title_en: str = ""
    source: str = ""
    metric: str = "straight"
    # Walking profiles: a position farther than this from every walkable road is an input error.
    max_road_distance_m: float = 200.0
    outlet_kinds: tuple[str, ...] = ("branch",)
    min_outlet_distance_m: float = 0.0
    min_station_distance_m: float = 0.0
    min_spacing_m: float = 0.0
    service_distance_m: float = 500.0
    max_stations_per_area: int = 0
    area_levels: tuple[str, ...] = ("community", "village")
    conflict_winner: str = "marginal_population"
    survey: SurveyRules = field(default_factory=SurveyRules)
    coverage: CoverageThresholds = field(default_factory=CoverageThresholds)
    exit: ExitRule = field(default_factory=ExitRule)

    def title(self, lang: str) -> str:
        return (self.title_zh if lang == "zh" else self.title_en) or self.name

    def display_name(self, lang: str) -> str:
        """The name people read (义乌市规则 / Yiwu rules); `name` stays the id scripts pass to --profile."""
        return profile_name(self.name, lang)


def _problem(where: str, en: str, zh: str) -> UsageError:
    return UsageError(f"{where}: {en}", f"{where}：{zh}")


def _build(cls: type[_Rules], data: dict[str, Any], where: str,
           nested: Mapping[str, type[DataclassInstance]] = {}) -> _Rules:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise _problem(where, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(fields)}",
                       f"未知的键 {'、'.join(unknown)}；允许的键：{'、'.join(fields)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in nested:
            if not isinstance(value, dict):
                raise _problem(where, f"[{key}] must be a table", f"[{key}] 必须是表")
            values[key] = _build(nested[key], value, f"{where} [{key}]")
            continue
        values[key] = _coerce(cls, fields[key], value, where)
    return cls(**values)


def _coerce(cls: type[DataclassInstance], spec: dataclasses.Field[Any], value: Any, where: str) -> Any:
    default = spec.default if spec.default is not dataclasses.MISSING else None
    key = spec.name
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    elif isinstance(default, tuple):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    else:
        ok = isinstance(value, str)
    if not ok:
        raise _problem(where, f"{key} = {value!r} has the wrong type or is negative",
                       f"{key} = {value!r} 类型错误或为负数")
    if isinstance(default, int) and not isinstance(default, bool):
        if value != int(value):
            raise _problem(where, f"{key} must be a whole number", f"{key} 必须是整数")
        value = int(value)
    return value


def _validate(profile: Profile, where: str) -> Profile:
    checks = [
        (profile.metric in METRICS, "metric", METRICS),
        (set(profile.outlet_kinds) <= set(OUTLET_KINDS), "outlet_kinds", OUTLET_KINDS),
        (set(profile.area_levels) <= set(AREA_LEVELS), "area_levels", AREA_LEVELS),
        (profile.conflict_winner in CONFLICT_WINNERS, "conflict_winner", CONFLICT_WINNERS),
    ]
    for ok, key, allowed in checks:
        if not ok:
            raise _problem(where, f"{key} must be one of {', '.join(allowed)}",
                           f"{key} 必须取 {'、'.join(allowed)} 之一")
    if profile.metric == "walking" and profile.max_road_distance_m <= 0:
        raise _problem(where, "max_road_distance_m must be positive", "max_road_distance_m 必须大于 0")
    if profile.exit.low_months < 1:
        raise _problem(where, "[exit] low_months must be at least 1", "[exit] low_months 至少为 1")
    if profile.service_distance_m <= 0:
        raise _problem(where, "service_distance_m must be positive", "service_distance_m 必须大于 0")
    return profile


def load_profile(name_or_path: str | None) -> Profile:
    """A built-in profile by name (default 'yiwu') or a custom profile from a .toml file."""
    name_or_path = name_or_path or DEFAULT_PROFILE
    if name_or_path in BUILT_IN:
        return _built_in(name_or_path)
    return _load_file(Path(name_or_path), name_or_path)


@functools.cache
def _built_in(name: str) -> Profile:
    """Built-in profiles are read once per process (they ship with the package; profiles are frozen)."""
    return _load_file(PROFILE_DIR / f"{name}.toml", name)


def _load_file(path: Path, name_or_path: str) -> Profile:
    if name_or_path not in BUILT_IN and path.suffix.lower() != ".toml":
        raise UsageError(
            f"unknown profile {name_or_path!r}: use one of {', '.join(BUILT_IN)} or a .toml file",
            f"未知规则配置“{name_or_path}”：可用 {'、'.join(BUILT_IN)} 或 .toml 文件",
        )
    if not path.exists():
        raise _problem(str(path), "profile file not found", "规则配置文件不存在")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _problem(str(path), f"not valid TOML ({exc})", f"不是有效的 TOML（{exc}）") from None
    if "name" not in data:
        data["name"] = path.stem
    profile = _build(Profile, data, str(path), {"survey": SurveyRules, "coverage": CoverageThresholds,
                                                        "exit": ExitRule})
    return _validate(profile, str(path))
