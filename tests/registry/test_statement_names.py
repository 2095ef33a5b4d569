"""Names the registry writes into a statement's text are its own: an unknown table or column is refused."""

import pytest

from planner.errors import UsageError
from planner.registry.tables import read_point_columns
from tests.check_support import load_small_registry


def test_only_a_site_tables_own_columns_reach_the_statement(engine):
    load_small_registry(engine)
    values, lon, _ = read_point_columns(engine, "outlets", ("code", "kind"))
    assert values["code"] == ["O1", "O2"] and lon.tolist() == [116.605, 116.635]
    with pytest.raises(UsageError, match=r"unknown column\(s\) of outlets: 'code FROM outlets; --'"):
        read_point_columns(engine, "outlets", ("code FROM outlets; --",))
    with pytest.raises(UsageError, match="unknown site table 'areas'"):
        read_point_columns(engine, "areas", ("code",))
