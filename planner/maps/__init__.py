"""Maps: folium rendering, the content-security policy of inline scripts, the overview."""
