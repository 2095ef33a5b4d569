"""Which open applicants would win back the people that closing stations leave without service.

The marginal-population ranking is run against the network without the
closing stations (so an applicant kept out by a closing station may now keep
the distance rules); each closing station's lost people are then summed over
every eligible applicant's service area (a disc, or its walk on the roads).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from planner.roads.cells import service_areas_on_foot
from planner.rules.profiles import Profile
from planner.selection.ranking import rank_candidates
from planner.sites.postal import Network

__all__ = ["restoring_applicants"]

COLUMNS = ["station_id", "choice", "code", "name", "restored_population", "marginal_population"]


def restoring_applicants(engine: Engine, profile: Profile, network_after: Network,
                         lost_layers: dict[str, np.ndarray], *, top: int = 3) -> pd.DataFrame:
    """Per closing station (its grid layer of lost people), the `top` applicants restoring most of it."""
    grid = network_after.grid
    if grid is None or not lost_layers:
        return pd.DataFrame(columns=COLUMNS)
    ranking = rank_candidates(engine, profile, network=network_after)
    eligible = ranking[ranking["keeps_distance_rules"].astype(bool)].reset_index(drop=True)
    if eligible.empty:
        return pd.DataFrame(columns=COLUMNS)
    lon, lat = eligible["lon"].to_numpy(float), eligible["lat"].to_numpy(float)
    codes, layers = list(lost_layers), list(lost_layers.values())
    radius = profile.service_distance_m
    if profile.metric == "walking" and network_after.roads is not None:
        areas = service_areas_on_foot(grid, network_after.roads, lon, lat, radius,
                                      cells=network_after.populated_cells(radius))
        restored = [areas.reach @ areas.weights(layer) for layer in layers]
    else:
        restored = grid.disc_sums(layers, *grid.project(lon, lat), radius)
    rows = []
    for code, people in zip(codes, restored):
        order = np.lexsort((np.arange(people.size), -people))[:top]
        for choice, i in enumerate(o for o in order if people[o] > 0.5):
            rows.append((code, choice + 1, eligible.at[i, "code"], eligible.at[i, "name"], round(float(people[i]), 1),
                         eligible.at[i, "marginal_population"]))
    return pd.DataFrame(rows, columns=COLUMNS)
