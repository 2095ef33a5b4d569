"""Coverage of every village and community, and the reports sent upward."""
