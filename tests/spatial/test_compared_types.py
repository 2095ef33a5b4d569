"""What compared_metres hands back: a plain float for one number (JSON and reasons take it as it is),
NaN for a blank, an array of floats for many.

Written to kill the mutants `bench/mutation.py` found surviving in planner/spatial/compared.py."""

import json
import math

import numpy as np

from planner.spatial.compared import below_minimum, compared_metres


def test_one_number_gives_a_plain_float():
    for value in (499.994, np.float64(499.994), 500):
        metres = compared_metres(value)
        assert type(metres) is float and metres == (500.0 if value == 500 else 499.99)
    assert json.dumps({"distance_m": compared_metres(np.float64(1968.126))}) == '{"distance_m": 1968.13}'


def test_blanks_are_nan_and_whole_metres_become_floats():
    metres = compared_metres([None, 499.994, 500])
    assert metres.dtype == np.float64 and math.isnan(metres[0]) and metres[1:].tolist() == [499.99, 500.0]
    assert below_minimum([None, 499.994, 500], 500).tolist() == [False, True, False]
