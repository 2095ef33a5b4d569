"""Registry schema: post outlets, stations, candidates, areas, transactions, events.

Geometry is WGS84 (SRID 4326) with a spatial index on both backends. Nothing
is physically deleted: rows carry `deleted_at`, and every change to a site is
written to the append-only `events` table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from planner.rules.vocabulary import SRID

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class _Record:
    """Columns every registry row has: external code, pass-through data, soft deletion."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    attrs: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class _Site(_Record):
    address: Mapped[str | None] = mapped_column(String(300))
    geom: Mapped[Any] = mapped_column(
        Geometry(geometry_type="POINT", srid=SRID, spatial_index=True), nullable=False
    )


class Outlet(_Site, Base):
    """A post office branch (支局/营业网点) or postal agency (代办点)."""

    __tablename__ = "outlets"
    kind: Mapped[str] = mapped_column(String(16), default="branch")


class Station(_Site, Base):
    """A franchised convenience station (便民服务站) in operation or closed."""

    __tablename__ = "stations"
    status: Mapped[str] = mapped_column(String(24), default="open")
    operator: Mapped[str | None] = mapped_column(String(100))
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"))


class Candidate(_Site, Base):
    """An applicant shop (加盟申请户) and its site-survey facts."""

    __tablename__ = "candidates"
    status: Mapped[str] = mapped_column(String(24), default="submitted")
    area_m2: Mapped[float | None] = mapped_column(Float)
    display_m2: Mapped[float | None] = mapped_column(Float)
    months_in_business: Mapped[float | None] = mapped_column(Float)
    signage: Mapped[bool | None] = mapped_column()
    line: Mapped[bool | None] = mapped_column()
    reported_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class Area(_Record, Base):
    """A village, community, sub-district or township with its census figures."""

    __tablename__ = "areas"
    level: Mapped[str] = mapped_column(String(16))
    population: Mapped[float | None] = mapped_column(Float)
    households: Mapped[float | None] = mapped_column(Float)
    parent_code: Mapped[str | None] = mapped_column(String(64))
    geom: Mapped[Any] = mapped_column(
        Geometry(geometry_type="MULTIPOLYGON", srid=SRID, spatial_index=True), nullable=False
    )


class Transaction(Base):
    """Monthly transaction count of one station (for the exit rule)."""

    __tablename__ = "transactions"
    __table_args__ = (UniqueConstraint("station_code", "month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_code: Mapped[str] = mapped_column(String(64), index=True)
    month: Mapped[str] = mapped_column(String(7))
    count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Event(Base):
    """Append-only history: who changed what, when, on which row (UPDATE and DELETE refused by a trigger,
    migration 0005). Account changes are here too, with table_name 'users' and the user name as code."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_table_name_code", "table_name", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    table_name: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    source: Mapped[str | None] = mapped_column(String(300))


class PopulationRaster(Base):
    """A population raster (people per pixel), stored compressed; the newest active one is used."""

    __tablename__ = "population_rasters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    crs_wkt: Mapped[str] = mapped_column(Text)
    transform: Mapped[list] = mapped_column(JSON)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RoadEdge(Base):
    """One walkable road segment (u → v, walkable both ways): the registry's one road network, replaced whole
    by each import (planner.registry.roads)."""

    __tablename__ = "road_edges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    u: Mapped[int] = mapped_column(BigInteger)
    v: Mapped[int] = mapped_column(BigInteger)
    length_m: Mapped[float] = mapped_column(Float)  # geodesic metres (pyproj.Geod)
    geom: Mapped[Any] = mapped_column(
        Geometry(geometry_type="LINESTRING", srid=SRID, spatial_index=True), nullable=False
    )


class User(Base):
    """A person who signs in: staff review and decide, planners plan, admins manage users."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(300))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Carried by each session from its sign-in; moving it (sign-out, password, role, disable) ends them all.
    session_gen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SignInFailure(Base):
    """One failed sign-in: counted per name (lockout) and per client address (refusal)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_name_at", "name", "at"),
                      Index("ix_sign_in_failures_address_at", "address", "at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))


class Lock(Base):
    """Named rows a transaction updates first to serialise decisions (approvals, relocations)."""

    __tablename__ = "locks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ChangeCounter(Base):
    """How often a watched table has changed ('registry': events, 'accounts': users), kept by triggers."""

    __tablename__ = "change_counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


MODELS_BY_TABLE = {
    model.__tablename__: model for model in (Outlet, Station, Candidate, Area, Transaction)
}
