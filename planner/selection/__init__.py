"""Choosing new sites: ranking by added population, greedy and proved-optimal selection."""
