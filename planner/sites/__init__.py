"""The registry's sites as a rule profile sees them, their per-process cache, and the map layers."""
