"""The road network a pedestrian may use: reading it (OpenStreetMap `.pbf`, line layers), and walking on it.

Kept apart from the postal sites (planner.sites) and from the straight-line
kernels (planner.spatial): a road network is its own concept, stored in the
registry as segments, loaded as a graph, and asked for walking metres.
"""
