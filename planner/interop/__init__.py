"""The registry in files GIS tools read natively: the whole registry as one GeoPackage (with QGIS styles and a
QGIS project beside it), and back into an empty registry."""
