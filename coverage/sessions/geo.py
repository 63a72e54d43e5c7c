"""Positions and distances for check-ins: is this phone at the venue, are two phones far apart."""

import math
from dataclasses import dataclass

EARTH_RADIUS_METRES = 6_371_000
# One degree of latitude; a degree of longitude is this times cos(latitude).
METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


def distance_metres(a: Location, b: Location) -> int:
    """Great-circle (haversine) distance; plenty for "is this person at the venue"."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return int(2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(h)))


def box_degrees(*, latitude: float, metres: float) -> tuple[float, float]:
    """Half the sides, in degrees of latitude and longitude, of a box `metres` from its centre
    north–south and east–west: a point outside it is at least about that far away."""
    dlat = metres / METRES_PER_DEGREE
    return dlat, dlat / max(math.cos(math.radians(latitude)), 0.01)
