"""Front-door items for "my work" and the manager's view."""

from __future__ import annotations

from django.db.models import Prefetch

from haven.accounts.models import User
from haven.frontdoor.models import Contact, ContactChild, DecisionStatus, MashCheck
from haven.people.access import user_team_ids
from haven.work.items import Scope, WorkItem, url_maker


def _open_contacts(user: User, scope: Scope) -> list[Contact]:
    contacts = Contact.objects.filter(completed_at__isnull=True)
    if scope is Scope.MINE:
        contacts = contacts.filter(worker=user)
    else:
        contacts = contacts.filter(team_id__in=user_team_ids(user))
    return list(
        contacts.select_related("worker").prefetch_related(
            Prefetch("children", queryset=ContactChild.objects.select_related("person")),
            Prefetch("checks", queryset=MashCheck.objects.filter(responded_at__isnull=True)),
        )
    )


def front_door_items(user: User, scope: Scope) -> list[WorkItem]:
    contact_url = url_maker("frontdoor:contact_detail")
    items = []
    for contact in _open_contacts(user, scope):
        people = tuple((c.person_id, c.person.full_name) for c in contact.children.all())
        url = contact_url(contact.pk)
        owner = contact.worker.display_name if contact.worker else ""
        # A returned decision is the worker's to make again, not the manager's to authorise.
        undecided = [c for c in contact.children.all() if c.needs_decision]
        awaiting = [c for c in contact.children.all() if c.status == DecisionStatus.AWAITING]
        if undecided:
            returned = any(c.is_returned for c in undecided)
            items.append(
                WorkItem(
                    "Contact decision",
                    f"{'Decide again (returned)' if returned else 'Decide'} contact {contact.pk}",
                    contact.decision_due,
                    url,
                    people,
                    owner,
                )
            )
        if awaiting and scope is Scope.TEAMS:
            items.append(
                WorkItem(
                    "Decision to authorise",
                    f"Authorise contact {contact.pk}",
                    contact.decision_due,
                    url,
                    people,
                    owner,
                    awaiting_authorisation=True,
                )
            )
        for check in contact.checks.all():
            items.append(
                WorkItem(
                    "MASH check",
                    f"{check.get_agency_display()} response",
                    check.due_at,
                    url,
                    people,
                    owner,
                )
            )
    return items
