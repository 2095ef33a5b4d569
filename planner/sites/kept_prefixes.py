"""The row prefix sums a check keeps, written band by band of grid rows: whole rows, or only populated runs.

A province's grid keeps every row whole (`RowPrefixes`: the quickest to read).
A grid of more than `DENSE_CELLS` cells — a country's — keeps each row's runs
of populated cells only (planner.spatial.run_prefixes: the same disc sums, bit
for bit, in a fraction of the space). Either is written into files of an
entry folder (memory-mapped, so the whole arrays are never in memory) or,
without one, built in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from planner.spatial.bands import prefix_band
from planner.spatial.plane import GridFrame, RowPrefixes
from planner.spatial.run_prefixes import RunPrefixes, band_runs

__all__ = ["DENSE_CELLS", "Sink", "open_prefixes", "sink_for"]

DENSE_CELLS = 400_000_000  # above this (6.4 GB for the two quantities), keep populated runs only
QUANTITIES = 2  # people, and people no site serves yet


class Sink:
    """Takes each band's people and unserved people, in order; `finish` gives the prefixes and what the entry's
    meta.json says of them."""

    def band(self, first: int, end: int, arrays: tuple[np.ndarray, ...]) -> None:
        raise NotImplementedError

    def finish(self) -> tuple[RowPrefixes, dict[str, Any]]:
        raise NotImplementedError


class _Rows(Sink):
    def __init__(self, frame: GridFrame, work: Path | None) -> None:
        rows, cols = frame.shape
        self.frame, self.width = frame, cols + 1
        size = rows * self.width
        self.prefixes = [np.empty(size) if work is None else
                         np.lib.format.open_memmap(work / f"prefix_{i}.npy", mode="w+", dtype=np.float64,
                                                   shape=(size,))
                         for i in range(QUANTITIES)]

    def band(self, first: int, end: int, arrays: tuple[np.ndarray, ...]) -> None:
        for prefix, values in zip(self.prefixes, arrays):
            prefix_band(values, prefix[first * self.width:end * self.width].reshape(end - first, self.width))

    def finish(self) -> tuple[RowPrefixes, dict[str, Any]]:
        for prefix in self.prefixes:
            if isinstance(prefix, np.memmap):
                prefix.flush()
        return RowPrefixes(self.frame, self.prefixes), {"layout": "rows"}


class _Runs(Sink):
    def __init__(self, frame: GridFrame, work: Path | None) -> None:
        self.frame, self.work = frame, work
        self.keys: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []
        self.values: list[list[np.ndarray]] = [[np.zeros(1)] for _ in range(QUANTITIES)]  # index 0: no run yet
        self.files = [open(work / f"values_{i}.f8", "wb") for i in range(QUANTITIES)] if work else []
        for handle in self.files:
            np.zeros(1).tofile(handle)

    def band(self, first: int, end: int, arrays: tuple[np.ndarray, ...]) -> None:
        width = self.frame.shape[1] + 1
        prefixes = [np.empty((end - first, width)) for _ in arrays]
        for prefix, values in zip(prefixes, arrays):
            prefix_band(values, prefix)
        keys, lengths, values = band_runs(arrays[0], prefixes, first)  # people's runs hold the unserved too
        self.keys.append(keys)
        self.lengths.append(lengths)
        for i, kept in enumerate(values):
            if self.files:
                kept.tofile(self.files[i])
            else:
                self.values[i].append(kept)

    def finish(self) -> tuple[RowPrefixes, dict[str, Any]]:
        keys, lengths = np.concatenate(self.keys), np.concatenate(self.lengths)
        if self.work is None:
            values = [np.concatenate(parts) for parts in self.values]
        else:
            for handle in self.files:
                handle.close()
            np.save(self.work / "run_key.npy", keys, allow_pickle=False)
            np.save(self.work / "run_length.npy", lengths, allow_pickle=False)
            values = [np.memmap(self.work / f"values_{i}.f8", dtype=np.float64, mode="r")
                      for i in range(QUANTITIES)]
        return RunPrefixes.of_runs(self.frame, keys, lengths, values), {"layout": "runs"}


def sink_for(frame: GridFrame, work: Path | None) -> Sink:
    """Whole rows for a grid of up to DENSE_CELLS cells, populated runs beyond."""
    rows, cols = frame.shape
    return _Rows(frame, work) if rows * (cols + 1) <= DENSE_CELLS else _Runs(frame, work)


def open_prefixes(entry: Path, meta: dict[str, Any], frame: GridFrame) -> RowPrefixes:
    """The kept prefixes of an entry, memory-mapped read-only. ValueError: not what meta.json describes."""
    if meta.get("layout", "rows") == "runs":
        keys = np.load(entry / "run_key.npy", allow_pickle=False)
        lengths = np.load(entry / "run_length.npy", allow_pickle=False)
        values = [np.memmap(entry / f"values_{i}.f8", dtype=np.float64, mode="r") for i in range(QUANTITIES)]
        expected = int((lengths + 1).sum()) + 1
        if keys.shape != lengths.shape or any(v.size != expected for v in values):
            raise ValueError("arrays of another grid")
        return RunPrefixes.of_runs(frame, keys, lengths, values)
    size = frame.rows * (frame.cols + 1)
    arrays = [np.load(entry / f"prefix_{i}.npy", mmap_mode="r", allow_pickle=False) for i in range(QUANTITIES)]
    if any(a.shape != (size,) or a.dtype != np.float64 for a in arrays):
        raise ValueError("arrays of another grid")
    return RowPrefixes(frame, arrays)
