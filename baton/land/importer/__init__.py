"""Import parcels and buildings, all or nothing: GeoJSON (WGS84) or boundary-coordinate text.

``parcel_import`` is what ``baton import-parcels`` and the upload page call:

1. decode the file (UTF-8, or GB18030 as land bureaus' tools write it) and tell the
   format: a GeoJSON FeatureCollection, or the 国土资源部 界址点坐标交换格式 text
   (``[属性描述]`` / ``[地块坐标]``, X north and Y east on a CGCS2000 Gauss–Krüger zone);
2. check every feature or parcel block, reproject, compute the geodesic area, compare it
   with the declared area (more than 5 % apart: flagged), resolve districts, towns and
   industries, and plan each parcel as *create*, *update* or *unchanged* — collecting every
   error with where it is (line or feature), the field, the value and the reason;
3. only if there is no error, write the plan through the services in one transaction. A
   dry run does the same and rolls back, so it finds exactly what a real import would.

Re-importing the same file finds every parcel unchanged and writes nothing.

The parts: ``parcels.py`` (``parcel_import``: decoding, telling the format, writing),
``geojson.py`` and ``txt.py`` (the two formats), ``checks.py`` (each field's check),
``fields.py`` (the fields' names and value conversions) and ``result.py`` (what an import
reports).
"""

from .fields import BUILDING_KEYS, PARCEL_KEYS, land_use_of, parse_date
from .parcels import _Importer, parcel_import
from .result import MAX_BYTES, MAX_FEATURES, AreaFlag, ImportResult, RowError

__all__ = [
    "BUILDING_KEYS",
    "MAX_BYTES",
    "MAX_FEATURES",
    "PARCEL_KEYS",
    "AreaFlag",
    "ImportResult",
    "RowError",
    "_Importer",
    "land_use_of",
    "parcel_import",
    "parse_date",
]
