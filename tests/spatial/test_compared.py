"""The one compared value of every distance rule: metres to the centimetre, 以上 including the minimum."""

import math

import numpy as np

from planner.rules.reasons import reason
from planner.spatial.compared import below_minimum, compared_metres


def test_the_minimum_itself_keeps_the_rule_and_a_centimetre_less_does_not():
    assert below_minimum(np.array([500.0, 499.9999999993, 500.004, 499.995 + 1e-9, 499.99, 499.994, np.nan]), 500)\
        .tolist() == [False, False, False, False, True, True, False]
    assert below_minimum(499.99, 500) is True and below_minimum(500.0, 500) is False
    assert below_minimum(math.nan, 500) is False


def test_one_number_and_an_array_round_alike():
    # At a third of the half-centimetres Python's round() and numpy's differ (499.985: 499.99 against
    # 499.98); the single-site and the batch paths must not, so both use compared_metres.
    values = np.arange(300_000) / 100 + 0.005
    assert compared_metres(values).tolist() == [compared_metres(float(v)) for v in values]


def test_the_reason_prints_the_compared_metres():
    for metres, shown in ((499.99, "499.99"), (499.9949, "499.99"), (300.0, "300.00"), (1968.126, "1968.13")):
        text = reason("outlet_too_close", "en", m=compared_metres(metres), id="O1", min=500)
        assert text == f"{shown} m from post outlet O1, below the required 500 m"
    assert reason("conflict_lost_order", "zh", m=compared_metres(499.99), id="A", min=500) == \
        "与本批申请户 A 相距 499.99 米，不足 500 米；A 排序在前，优先通过"
