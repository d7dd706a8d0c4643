"""Oversight and supervision services, selectors, the schedule and the figures, on PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.accounts.models import Role
from haven.chronology.models import ChronologyEvent
from haven.core.errors import ConflictError
from haven.core.versioning import ConcurrentEditError
from haven.oversight import figures, schedule, selectors, services
from haven.oversight.models import Oversight, OversightAction
from haven.people.models import Allocation
from haven.work.items import Scope, work_for
from haven.work.selectors import team_sections

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def _spec(owner, what="Visit the child at home", days=7, field="actions"):
    return services.ActionSpec(
        owner=owner,
        description=what,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        field=field,
    )


def _open_case_since(child, days_ago):
    Allocation.objects.filter(person=child, end_date__isnull=True).update(
        start_date=timezone.localdate() - datetime.timedelta(days=days_ago)
    )


# -- oversight -----------------------------------------------------------------------------------


def test_oversight_sets_actions_the_next_review_from_the_interval_and_a_chronology_entry(
    child, manager, worker
):
    oversight = services.oversight_record(
        person=child, by=manager, direction="Convene a strategy discussion", actions=[_spec(worker)]
    )
    today = timezone.localdate()
    assert oversight.recorded_on == today
    assert oversight.next_review_date == today + datetime.timedelta(days=30)
    action = oversight.actions.get()
    assert (action.owner, action.person) == (worker, child)
    entry = ChronologyEvent.objects.get(person=child, event="oversight_recorded")
    assert "Convene a strategy discussion" in entry.summary
    assert manager.display_name in entry.summary


def test_the_interval_is_a_local_setting(child, manager, settings):
    settings.HAVEN_OVERSIGHT_INTERVAL_DAYS = 14
    oversight = services.oversight_record(person=child, by=manager, direction="Keep under review")
    assert oversight.next_review_date == timezone.localdate() + datetime.timedelta(days=14)


def test_a_practitioner_cannot_record_oversight(child, worker):
    with pytest.raises(ValidationError, match="team managers"):
        services.oversight_record(person=child, by=worker, direction="I decide")
    assert not Oversight.objects.exists()


def test_an_action_cannot_go_to_someone_who_cannot_see_the_child(child, manager, outsider):
    with pytest.raises(ValidationError, match="cannot see"):
        services.oversight_record(
            person=child, by=manager, direction="Visit", actions=[_spec(outsider)]
        )
    assert not Oversight.objects.exists()  # nothing half saved


def test_an_action_due_in_the_past_is_refused(child, manager, worker):
    with pytest.raises(ValidationError, match="today or in the future"):
        services.oversight_record(
            person=child, by=manager, direction="Visit", actions=[_spec(worker, days=-1)]
        )


def test_owner_choices_are_colleagues_who_may_see_the_child(child, manager, worker, outsider):
    choices = selectors.action_owner_choices(person=child, manager=manager)
    assert worker in choices and manager in choices
    assert outsider not in choices


def test_an_open_action_is_on_the_owners_work_until_done(child, manager, worker):
    services.oversight_record(
        person=child, by=manager, direction="Visit", actions=[_spec(worker, "See Jo at school")]
    )
    items = [i for i in work_for(worker, Scope.MINE) if i.kind == "Oversight action"]
    assert [(i.title, i.person_names) for i in items] == [("See Jo at school", "John Smith")]
    action = OversightAction.objects.get()
    services.oversight_action_complete(action=action, by=worker)
    assert not [i for i in work_for(worker, Scope.MINE) if i.kind == "Oversight action"]
    with pytest.raises(ConflictError, match="already marked done"):
        services.oversight_action_complete(action=action, by=manager)


def test_only_the_owner_or_the_manager_who_set_it_completes_an_action(
    child, manager, worker, make_user
):
    services.oversight_record(person=child, by=manager, direction="Visit", actions=[_spec(worker)])
    colleague = make_user(Role.PRACTITIONER, "assessment")
    with pytest.raises(ValidationError, match="owner"):
        services.oversight_action_complete(action=OversightAction.objects.get(), by=colleague)


def test_an_overdue_oversight_review_is_on_the_managers_view_until_oversight(child, manager):
    _open_case_since(child, 40)
    overdue = [
        i for i in team_sections(user=manager)["overdue"] if i.kind == "Management oversight"
    ]
    assert [i.person_names for i in overdue] == ["John Smith"]
    services.oversight_record(person=child, by=manager, direction="Plan is working")
    assert not [
        i for i in team_sections(user=manager)["overdue"] if i.kind == "Management oversight"
    ]


def test_a_case_opened_recently_is_not_yet_due_oversight(child, manager):
    _open_case_since(child, 5)
    assert not [i for i in work_for(manager, Scope.TEAMS) if i.kind == "Management oversight"]


def test_a_review_date_earlier_than_the_interval_makes_it_due_sooner(child, manager):
    services.oversight_record(
        person=child,
        by=manager,
        direction="Review after the conference",
        next_review_date=timezone.localdate(),
    )
    Oversight.objects.update(
        recorded_on=timezone.localdate() - datetime.timedelta(days=3),
        next_review_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert [i for i in work_for(manager, Scope.TEAMS) if i.kind == "Management oversight"]


# -- the supervision schedule ---------------------------------------------------------------------


def test_a_newly_qualified_worker_is_supervised_weekly_then_fortnightly_then_monthly():
    start = datetime.date(2026, 1, 5)

    def due(last):
        return schedule.next_supervision_due(
            last=last, asye=True, employment_start=start, joined=None
        )

    assert due(None) == datetime.date(2026, 1, 12)  # first week
    assert due(datetime.date(2026, 2, 9)) == datetime.date(2026, 2, 16)  # week 5: weekly
    assert due(datetime.date(2026, 2, 16)) == datetime.date(2026, 3, 2)  # week 6: fortnightly
    assert due(datetime.date(2026, 7, 1)) == datetime.date(2026, 7, 15)  # before 5 July
    assert due(datetime.date(2026, 7, 6)) == datetime.date(2026, 8, 6)  # after 6 months
    assert schedule.next_supervision_due(
        last=datetime.date(2026, 1, 31), asye=False, employment_start=None, joined=None
    ) == datetime.date(2026, 2, 28)


# -- supervision ---------------------------------------------------------------------------------


def _supervise(worker, manager, child, *, days_ago=0, reflection="Feeling stretched by court work"):
    return services.supervision_record(
        worker=worker,
        by=manager,
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        reflection=reflection,
        case_discussions=[
            services.CaseDiscussion(
                person=child, direction="Escalate to legal planning", actions=[_spec(worker)]
            )
        ],
        actions=[_spec(worker, "Book the court skills course")],
    )


def test_a_case_discussion_is_oversight_on_the_child_and_the_reflection_is_not(
    child, manager, worker
):
    session = _supervise(worker, manager, child)
    discussion = Oversight.objects.get(person=child)
    assert discussion.supervision == session
    assert discussion.actions.get().owner == worker
    shown = selectors.oversights_for_person(person=child, user=worker)
    assert [o.direction for o in shown] == ["Escalate to legal planning"]
    entries = ChronologyEvent.objects.filter(person=child)
    assert entries.filter(event="case_discussed_in_supervision").exists()
    assert not any("stretched" in e.summary for e in entries)
    # The session's own action is about the worker, no child; it is on their work.
    titles = {i.title for i in work_for(worker, Scope.MINE)}
    assert {"Book the court skills course", "Visit the child at home"} <= titles


def test_the_reflection_is_for_the_worker_and_the_supervisor_only(
    child, manager, worker, make_user
):
    _supervise(worker, manager, child)
    other_manager = make_user(Role.TEAM_MANAGER, "assessment")
    for reader, sees in ((worker, True), (manager, True), (other_manager, False)):
        sessions, _ = selectors.supervision_history(worker=worker, user=reader)
        assert (sessions[0].reflection == "Feeling stretched by court work") is sees


def test_a_worker_outside_the_managers_teams_cannot_be_supervised(child, manager, outsider):
    with pytest.raises(ValidationError, match="not in a team you manage"):
        services.supervision_record(worker=outsider, by=manager, held_on=timezone.localdate())


def test_a_case_discussion_about_a_child_the_manager_cannot_see_is_refused(
    manager, worker, make_child
):
    other = make_child("other", given_names="Otto")
    with pytest.raises(ValidationError, match="cannot see"):
        services.supervision_record(
            worker=worker,
            by=manager,
            held_on=timezone.localdate(),
            case_discussions=[services.CaseDiscussion(person=other, direction="x")],
        )


def test_overdue_supervision_is_on_the_managers_view(child, manager, worker):
    _supervise(worker, manager, child, days_ago=40)
    overdue = [i for i in team_sections(user=manager)["overdue"] if i.kind == "Supervision"]
    assert [i.owner for i in overdue] == [worker.display_name]
    _supervise(worker, manager, child, days_ago=0)
    assert not [i for i in team_sections(user=manager)["overdue"] if i.kind == "Supervision"]


def test_the_schedule_follows_the_profile_the_manager_sets(manager, worker):
    start = timezone.localdate() - datetime.timedelta(days=10)
    services.supervision_profile_set(worker=worker, by=manager, asye=True, employment_start=start)
    status = selectors.supervision_status(worker)
    assert status.frequency == "weekly"
    assert status.next_due == start + datetime.timedelta(days=7)
    assert status.is_overdue


def test_a_profile_saved_by_someone_else_meanwhile_is_not_overwritten(manager, worker):
    profile = services.supervision_profile_set(
        worker=worker, by=manager, asye=False, employment_start=None
    )
    services.supervision_profile_set(
        worker=worker,
        by=manager,
        asye=True,
        employment_start=TODAY(),
        version=profile.version,
    )
    with pytest.raises(ConcurrentEditError):
        services.supervision_profile_set(
            worker=worker, by=manager, asye=False, employment_start=None, version=profile.version
        )


def test_asye_needs_a_start_date(manager, worker):
    with pytest.raises(ValidationError, match="employment start date"):
        services.supervision_profile_set(
            worker=worker, by=manager, asye=True, employment_start=None
        )


# -- figures -------------------------------------------------------------------------------------


def test_oversight_figure_counts_every_open_case_and_lists_only_visible_children(
    child, make_child, manager, make_user
):
    other = make_child("other", given_names="Otto")
    services.oversight_record(person=child, by=manager, direction="Fine")
    result = figures.oversight_in_time(user=manager)
    assert (result["total"], result["within"], result["share"]) == (2, 1, 50)
    assert result["shown"] == [] and result["not_shown"] == 1  # Otto is another team's
    other_manager = make_user(Role.TEAM_MANAGER, "other")
    shown = figures.oversight_in_time(user=other_manager)["shown"]
    assert [r["person_id"] for r in shown] == [other.pk]


def test_supervision_figure_is_the_share_of_workers_not_overdue(child, manager, worker, make_user):
    _supervise(worker, manager, child)
    late = make_user(Role.PRACTITIONER, "assessment")
    services.supervision_profile_set(
        worker=late,
        by=manager,
        asye=False,
        employment_start=timezone.localdate() - datetime.timedelta(days=100),
    )
    result = figures.supervision_in_time()
    assert (result["total"], result["in_time"], result["share"]) == (2, 1, 50)
    assert [s.worker for s in result["overdue"]] == [late]


def test_the_same_oversight_posted_twice_is_recorded_once(child, manager, worker):
    services.oversight_record(person=child, by=manager, direction="Visit weekly")
    with pytest.raises(ConflictError, match="already recorded"):
        services.oversight_record(person=child, by=manager, direction="Visit weekly ")
    assert Oversight.objects.count() == 1


def test_the_same_supervision_posted_twice_is_recorded_once(child, manager, worker):
    _supervise(worker, manager, child)
    with pytest.raises(ConflictError, match="already recorded"):
        _supervise(worker, manager, child)


def test_the_owner_of_an_action_is_alerted_by_case_number_not_name(child, manager, worker):
    services.oversight_record(person=child, by=manager, direction="Visit", actions=[_spec(worker)])
    alert = worker.alerts.get()
    assert f"on case {child.pk}" in alert.message and "Smith" not in alert.message
    assert alert.link.startswith(f"/people/{child.pk}/oversight/")
