"""Reads of front-door records, always for a user, always logged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from haven.accounts.models import Team, TeamKind
from haven.accounts.permissions import Capability, user_can
from haven.core.models import AccessAction
from haven.core.services import access_log_record_many
from haven.frontdoor.models import (
    Contact,
    ContactChild,
    DecisionStatus,
    MashCheck,
    ReferrerFeedback,
    Urgency,
)
from haven.people import access
from haven.people.access import restriction_q, user_team_ids, visible_q
from haven.people.models import Person

if TYPE_CHECKING:
    from django.http import HttpRequest


def contact_visible_q(user: Any) -> Q:
    """A contact is open to whoever may see a child on it, and shows them only those children
    (its front-door team sees its children through the front-door access rule)."""
    children_seen = ContactChild.objects.filter(
        contact=OuterRef("pk"), person__in=Person.objects.filter(visible_q(user))
    )
    return Q(Exists(children_seen))


def _front_door_teams(user: Any) -> QuerySet[Team]:
    return Team.objects.filter(kind=TeamKind.FRONT_DOOR, memberships__user=user)


def front_door_teams(*, user: Any) -> list[Team]:
    return list(_front_door_teams(user))


def children_findable(*, user: Any, person_ids: list[int]) -> QuerySet[Person]:
    """Children ``user`` may find to put on a contact (restricted ones only if named)."""
    return Person.objects.filter(access.searchable_q(user), kind="child", pk__in=person_ids)


def contact_children_visible(user: Any) -> QuerySet[ContactChild]:
    """The children of a contact that ``user`` may see: the one filter for every contact page,
    list and work item."""
    return ContactChild.objects.filter(person__in=Person.objects.filter(visible_q(user)))


def in_front_door_team(user: Any) -> bool:
    """Whether ``user`` belongs to a front-door team (the MASH inbox is theirs)."""
    return _front_door_teams(user).exists()


def contact_handled_by(user: Any, contact: Contact) -> bool:
    """Acting on a contact (decisions, checks, assignment) is for its own front-door team."""
    return user_can(user, Capability.RECORD_CONTACTS) and contact.team_id in user_team_ids(user)


def contact_get_for_user(
    *, user: Any, contact_id: int, request: HttpRequest | None = None
) -> Contact:
    """The contact with the children ``user`` may see and its checks, or 404 and a
    refused-access row per child."""
    contact = (
        Contact.objects.filter(contact_visible_q(user), pk=contact_id)
        .select_related("team", "worker", "recorded_by")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=contact_children_visible(user)
                .select_related(
                    "person",
                    "decided_by",
                    "authorised_by",
                    "returned_by",
                    "amended_by",
                    "feedback",
                    "feedback__sent_by",
                )
                .order_by("person__date_of_birth", "pk"),
            ),
            Prefetch("checks", queryset=MashCheck.objects.order_by("requested_at")),
        )
        .first()
    )
    if contact is None:
        ids = list(
            ContactChild.objects.filter(contact_id=contact_id).values_list("person_id", flat=True)
        )
        access_log_record_many(
            user=user,
            action=AccessAction.REFUSED,
            person_ids=ids or [None],
            request=request,
            detail=f"contact {contact_id}",
        )
        raise Http404("No contact you are entitled to see")
    if request is None or request.method in ("GET", "HEAD"):
        # A form posted back is a change (in the audit trail), not another view.
        access_log_record_many(
            user=user,
            action=AccessAction.VIEW,
            request=request,
            person_ids=[c.person_id for c in contact.children.all()],
            detail=f"contact {contact_id}",
        )
    return contact


def contact_child_get(*, contact: Contact, contact_child_id: int) -> ContactChild:
    for child in contact.children.all():
        if child.pk == contact_child_id:
            return child
    raise Http404("No such child on this contact")


def check_get(*, contact: Contact, check_id: int) -> MashCheck:
    for check in contact.checks.all():
        if check.pk == check_id:
            return check
    raise Http404("No such check on this contact")


# The statuses the inbox can be filtered by (a contact in the inbox is never all authorised).
INBOX_STATUSES = (DecisionStatus.UNDECIDED, DecisionStatus.AWAITING, DecisionStatus.RETURNED)


def _status_annotation() -> Case:
    """A contact's status from its children's: returned if a decision came back, else
    undecided while a child has none, else awaiting authorisation while one is not authorised."""

    def children(**where: Any) -> Exists:
        return Exists(ContactChild.objects.filter(contact=OuterRef("pk"), **where))

    return Case(
        When(children(returned_at__isnull=False), then=Value(DecisionStatus.RETURNED.value)),
        When(children(outcome=""), then=Value(DecisionStatus.UNDECIDED.value)),
        When(children(authorised_at__isnull=True), then=Value(DecisionStatus.AWAITING.value)),
        default=Value(DecisionStatus.AUTHORISED.value),
        output_field=CharField(),
    )


def _urgency_rank() -> Case:
    return Case(
        When(urgency=Urgency.IMMEDIATE, then=Value(0)),
        When(urgency=Urgency.URGENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def mash_inbox(*, user: Any, show: str = "all", status: str = "") -> QuerySet[Contact]:
    """Open contacts of the user's teams, a child at risk now first, then soonest due, in a
    fixed number of queries; each with its status (``status`` filters by it).
    Each shows only the children the user may see; a contact about none of them is left out.
    (Team members see their contacts' children by the front-door rule, so only a restriction
    can hide one: the filter below checks just that, the prefetch the whole rule set.)"""
    contacts = Contact.objects.filter(completed_at__isnull=True, team_id__in=user_team_ids(user))
    if show == "mine":
        contacts = contacts.filter(worker=user)
    elif show == "unassigned":
        contacts = contacts.filter(worker__isnull=True)
    unrestricted = ContactChild.objects.filter(
        restriction_q(user, "person__"), contact=OuterRef("pk")
    )
    contacts = contacts.filter(Exists(unrestricted)).annotate(
        status=_status_annotation(), urgency_rank=_urgency_rank()
    )
    if status in INBOX_STATUSES:
        contacts = contacts.filter(status=status)
    return (
        contacts.select_related("worker")
        .annotate(
            outstanding_checks=Count(
                "checks", filter=Q(checks__responded_at__isnull=True), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch("children", queryset=contact_children_visible(user).select_related("person"))
        )
        .order_by("urgency_rank", "decision_due", "received_at", "pk")
    )


def feedback_get(*, contact: Contact, feedback_id: int) -> ReferrerFeedback:
    """Feedback about a child shown on the contact (404 for any other)."""
    for child in contact.children.all():
        feedback = getattr(child, "feedback", None)
        if feedback is not None and feedback.pk == feedback_id:
            return feedback
    raise Http404("No such feedback on this contact")


def same_contact_merge_clash(keep: Any, duplicate: Any) -> list[str]:
    """Both records on one contact would be the same child twice, each with a decision: which
    decision stands is for the front door to say before the records are merged."""
    shared = (
        ContactChild.objects.filter(person=duplicate)
        .filter(contact__in=ContactChild.objects.filter(person=keep).values("contact"))
        .values_list("contact_id", flat=True)
        .order_by("contact_id")
    )
    return [
        f"Both records are on contact {contact_id}, each with its own decision: correct the "
        "contact so the child is on it once before merging"
        for contact_id in shared
    ]
