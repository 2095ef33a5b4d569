"""A few recent values by key, per process: work that stays right while the version in its key
stays the current one (the sites' indexes, layer GeoJSON, the overview's map, accounts)."""

from __future__ import annotations

import threading

__all__ = ["Recent"]


class Recent:
    """The last `size` values put, by key; the oldest goes first. Safe across a worker's threads."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, {}, threading.Lock()

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.pop(next(iter(self._items)))
