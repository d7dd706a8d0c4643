from typing import Any

from django.db.models import Exists, OuterRef, Q

from haven.frontdoor.models import ContactChild
from haven.people.access import user_team_ids


def front_door_children(user: Any) -> Q:
    """Staff of a team that handled a contact see the children it concerned."""
    contacts = ContactChild.objects.filter(
        person=OuterRef("pk"), contact__team_id__in=user_team_ids(user)
    )
    return Q(Exists(contacts))
