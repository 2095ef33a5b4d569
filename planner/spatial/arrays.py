"""The array types of the kernels, for annotations.

Kernels take anything numpy accepts (`numpy.typing.ArrayLike`: a number, a
list, an array, a pandas Series) and give back float64, int64, boolean or
object (shapely geometry) arrays.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

__all__ = ["Bools", "Floats", "Geometries", "Ints"]

Floats: TypeAlias = NDArray[np.float64]
Ints: TypeAlias = NDArray[np.int64]
Bools: TypeAlias = NDArray[np.bool_]
Geometries: TypeAlias = NDArray[np.object_]
