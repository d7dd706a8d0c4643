import datetime
import time

import pytest
from django.http import Http404
from django.utils import timezone

from haven.accounts.models import Role, User
from haven.core.models import AccessLog
from haven.people import services
from haven.people.access import compiled_once_a_request, visible_ids, visible_q
from haven.people.models import BreakGlassGrant, Person
from haven.people.selectors import person_get_for_user

pytestmark = pytest.mark.django_db


def visible(user):
    return set(Person.objects.filter(visible_q(user)).values_list("pk", flat=True))


def test_a_practitioner_sees_their_teams_children_only(child, make_child, worker, outsider):
    theirs = make_child(team="other")
    assert child.pk in visible(worker) and theirs.pk not in visible(worker)
    assert theirs.pk in visible(outsider) and child.pk not in visible(outsider)


def test_a_worker_sees_a_child_allocated_to_them_in_any_team(make_child, make_user, manager, teams):
    lone = make_user(Role.PRACTITIONER, None)
    kid = make_child(team="other")
    kid.allocations.update(worker=lone)
    assert kid.pk in visible(lone)


def test_analysts_and_administrators_see_no_case_records(child, make_user):
    assert visible(make_user(Role.PERFORMANCE_ANALYST, None)) == set()
    assert visible(make_user(Role.ADMINISTRATOR, None)) == set()


def test_an_auditor_sees_every_record_except_restricted_ones(child, make_child, make_user, manager):
    hidden = make_child(team="other")
    services.person_restrict(person=hidden, by=manager, named_users=[])
    auditor = make_user(Role.AUDITOR, None)
    assert child.pk in visible(auditor) and hidden.pk not in visible(auditor)


def test_a_restricted_record_is_seen_only_by_named_users(child, manager, worker):
    services.person_restrict(person=child, by=manager, named_users=[])
    assert child.pk not in visible(worker)  # even in the team holding the case
    assert child.pk in visible(manager)


def test_family_adults_are_seen_with_the_child(child, worker, outsider):
    rel = services.relationship_add(
        child=child,
        by=worker,
        relationship_type="parent",
        new_person={"given_names": "Sarah", "family_name": "Smith"},
    )
    assert rel.person.pk in visible(worker)
    assert rel.person.pk not in visible(outsider)


def test_another_teams_child_is_a_404_with_a_refused_access_row(child, outsider):
    with pytest.raises(Http404):
        person_get_for_user(user=outsider, person_id=child.pk)
    row = AccessLog.objects.get(person_id=child.pk)
    assert row.action == "refused" and row.user == outsider


def test_every_permitted_read_is_logged(child, worker):
    person_get_for_user(user=worker, person_id=child.pk)
    assert AccessLog.objects.filter(person_id=child.pk, action="view", user=worker).count() == 1


def test_views_under_break_glass_carry_the_reason(child, outsider):
    services.break_glass_grant(
        user=outsider, person_id=child.pk, reason="Police called out of hours about this child"
    )
    person_get_for_user(user=outsider, person_id=child.pk)
    view = AccessLog.objects.get(person_id=child.pk, action="view")
    assert view.break_glass_reason == "Police called out of hours about this child"


def test_a_disabled_user_sees_nothing(child, worker):
    worker.is_active = False
    worker.save()
    assert visible(worker) == set()


def test_lists_name_only_the_people_the_user_may_see_once_compiled_for_a_request(
    child, make_child, make_user, manager, worker, outsider
):
    """``visible_names`` as a page calls it (the rules compiled once a request, then reused
    for every list and every user on it) agrees with ``visible_q`` for each user, and a
    change to the records within the request still counts."""
    from haven.people.access import visible_names

    theirs = make_child(given_names="Other", team="other")
    hidden = make_child(given_names="Hidden")
    services.person_restrict(person=hidden, by=manager, named_users=[manager])
    analyst = make_user(Role.PERFORMANCE_ANALYST, None)
    everyone = [child.pk, theirs.pk, hidden.pk, None]
    with compiled_once_a_request():
        for _ in range(2):  # compiled, then reused
            for user in (worker, outsider, manager, analyst):
                assert set(visible_names(user, everyone)) == visible(user) & set(everyone[:3])
        assert visible_names(worker, [child.pk]) == {child.pk: child.full_name}
        assert visible_ids(worker, []) == set()
        # Allocated to the worker's team within the request: seen at once.
        theirs.allocations.update(team=child.allocations.get().team)
        assert theirs.pk in visible_ids(worker, everyone)


# Need-to-know compiled once a request: a rule that changed within the request still counts.


def test_a_user_disabled_within_the_request_sees_nothing_after(child, worker):
    with compiled_once_a_request():
        assert visible_ids(worker, [child.pk]) == {child.pk}
        User.objects.filter(pk=worker.pk).update(is_active=False)
        disabled = User.objects.get(pk=worker.pk)
        assert not disabled.is_active
        assert visible_ids(disabled, [child.pk]) == set()


def test_a_user_whose_role_changes_within_the_request_gets_the_new_roles_rules(child, worker):
    with compiled_once_a_request():
        assert visible_ids(worker, [child.pk]) == {child.pk}
        User.objects.filter(pk=worker.pk).update(role=Role.PERFORMANCE_ANALYST)
        analyst = User.objects.get(pk=worker.pk)
        assert visible_ids(analyst, [child.pk]) == set()


def test_a_user_removed_from_their_team_within_the_request_no_longer_sees_its_children(
    child, worker
):
    with compiled_once_a_request():
        assert visible_ids(worker, [child.pk]) == {child.pk}
        worker.memberships.all().delete()
        child.allocations.update(worker=None)
        moved = User.objects.get(pk=worker.pk)  # a fresh object: no teams cached on it
        assert visible_ids(moved, [child.pk]) == set()


def test_emergency_access_that_expires_within_the_request_is_not_counted_after(
    make_child, outsider
):
    theirs = make_child()  # not the outsider's team's
    with compiled_once_a_request():
        assert visible_ids(outsider, [theirs.pk]) == set()
        BreakGlassGrant.objects.create(
            person=theirs,
            user=outsider,
            reason="review: expires within the request",
            expires_at=timezone.now() + datetime.timedelta(seconds=1),
        )
        assert visible_ids(outsider, [theirs.pk]) == {theirs.pk}
        time.sleep(1.2)
        assert visible_ids(outsider, [theirs.pk]) == set()
