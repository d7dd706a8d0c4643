"""How far a placement is from the child's home: straight-line miles between the period's home
postcode and the placement's, from haven.carers' bundled postcode lookup (SSDA903 PL_DISTANCE;
the "placed more than 20 miles away" figures). Run by ``services`` after every placement is
recorded or corrected (``register_placement_hook``)."""

from __future__ import annotations

from haven.care.models import Placement
from haven.carers.geography import distance_miles


def placement_distance(placement: Placement) -> None:
    """Set the placement's distance from home (None when either postcode cannot be placed).
    Derived, not edited by anyone, so the record's version does not move on."""
    miles = distance_miles(placement.period.home_postcode, placement.postcode)
    if miles != placement.distance_miles:
        Placement.objects.filter(pk=placement.pk).update(distance_miles=miles)
        placement.distance_miles = miles
