"""Case notes: written once for several children, drafts, finalising, addenda, countersigning,
search, the chronology, visits and figures; on real PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Alert
from haven.casenotes import figures, selectors, services
from haven.casenotes.models import CaseNote, CaseNoteChild, NoteType
from haven.chronology.models import ChronologyEvent
from haven.core.errors import ConflictError
from haven.core.models import AccessAction, AccessLog
from haven.people.models import Relationship, RestrictedAccess
from haven.ui import readability

D = datetime.date


@pytest.fixture
def siblings(make_child):
    older = make_child(given_names="Amy", date_of_birth=D(2012, 1, 5))
    middle = make_child(given_names="Ben", date_of_birth=D(2015, 6, 1))
    younger = make_child(given_names="Cal", date_of_birth=D(2019, 9, 9))
    mother = make_child(given_names="Dee", date_of_birth=D(1990, 1, 1))
    mother.kind = "adult"
    mother.save()
    for c in (older, middle, younger):
        Relationship.objects.create(person=mother, relative_of=c, relationship_type="parent")
    return [older, middle, younger]


def write(by, about, children, *, finalise=True, **values):
    offered = selectors.offered_ids(user=by, person=about)
    values = {
        "note_type": NoteType.HOME_VISIT,
        "occurred_on": D(2026, 11, 2),
        "summary": "Home visit to the family",
        "narrative": "Visited the family at home. The children were playing.",
        **values,
    }
    note = services.note_save_draft(
        by=by, about=about, offered=offered, children=children, **values
    )
    return services.note_finalise(note=note, by=by) if finalise else note


def parts(children, **kw):
    return [services.ChildPart(person_id=c.pk, **kw) for c in children]


def test_one_note_for_three_siblings_is_on_each_record_and_significant_in_each_chronology(
    worker, siblings
):
    a, b, c = siblings
    note = write(
        worker,
        a,
        [
            services.ChildPart(
                person_id=a.pk, seen=True, seen_alone=True, child_said="I like school"
            ),
            services.ChildPart(person_id=b.pk, seen=True),
            services.ChildPart(person_id=c.pk),
        ],
        significant=True,
    )
    for child in siblings:
        rows = selectors.notes_for_child(user=worker, person=child, filters=selectors.NoteFilters())
        assert [r.note_id for r in rows] == [note.pk]
        event = ChronologyEvent.objects.get(person=child, event="case_note_significant")
        assert event.text == "Home visit: Home visit to the family"
    assert CaseNoteChild.objects.get(note=note, person=a).child_said == "I like school"


def test_the_family_is_offered_but_never_a_restricted_child_and_a_posted_one_is_refused(
    worker, siblings, manager
):
    a, b, c = siblings
    c.is_restricted = True
    c.save()
    RestrictedAccess.objects.create(person=c, user=manager, granted_by=manager)
    offered = selectors.children_offered(user=worker, person=a)
    assert [p.pk for p in offered] == [a.pk, b.pk]
    with pytest.raises(ValidationError) as err:
        services.note_save_draft(
            by=worker,
            about=a,
            offered={a.pk, b.pk, c.pk},
            children=parts([a, c]),
            note_type=NoteType.PHONE_CALL,
            occurred_on=D(2026, 11, 1),
        )
    assert "whose records you may see" in str(err.value)
    assert not CaseNote.objects.exists()


def test_a_draft_is_its_authors_alone_until_finalised(worker, make_user, siblings, as_worker):
    colleague = make_user(first_name="Colin")
    a = siblings[0]
    note = write(worker, a, parts([a]), finalise=False)
    assert not selectors.notes_for_child(
        user=colleague, person=a, filters=selectors.NoteFilters()
    ).exists()
    assert (
        client_for(colleague).get(reverse("casenotes:note", args=[a.pk, note.pk])).status_code
        == 404
    )
    with pytest.raises(ValidationError):
        services.note_finalise(note=note, by=colleague)
    services.note_finalise(note=note, by=worker)
    assert (
        selectors.notes_for_child(user=colleague, person=a, filters=selectors.NoteFilters()).count()
        == 1
    )


def test_a_final_note_is_never_edited_by_the_service_nor_the_database(worker, siblings):
    a = siblings[0]
    note = write(worker, a, parts([a]))
    with pytest.raises(ConflictError):
        services.note_save_draft(
            by=worker,
            about=a,
            offered={a.pk},
            note=note,
            version=None,
            children=parts([a]),
            note_type=NoteType.OTHER,
            occurred_on=D(2026, 11, 1),
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseNote.objects.filter(pk=note.pk).update(narrative="Changed afterwards")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseNoteChild.objects.filter(note=note).update(child_said="Words put in her mouth")
    with pytest.raises(ConflictError):
        services.note_finalise(note=note, by=worker)
    addendum = services.note_addendum_add(note=note, by=worker, text="Later detail")
    with pytest.raises(DatabaseError), transaction.atomic():
        type(addendum).objects.filter(pk=addendum.pk).update(text="Rewritten")
    note.refresh_from_db()
    assert note.narrative.startswith("Visited the family")


def test_finalising_needs_a_summary_and_what_happened(worker, siblings):
    a = siblings[0]
    note = write(worker, a, parts([a]), finalise=False, summary="", narrative="")
    with pytest.raises(ValidationError) as err:
        services.note_finalise(note=note, by=worker)
    assert set(err.value.message_dict) == {"summary", "narrative"}


def test_addenda_and_a_countersignature_from_the_manager_who_is_told(worker, manager, siblings):
    a = siblings[0]
    note = write(worker, a, parts([a]))
    services.note_addendum_add(note=note, by=worker, text="Mother phoned to add detail.")
    services.note_countersign_request(note=note, by=worker, manager=manager, person_id=a.pk)
    alert = Alert.objects.get(recipient=manager)
    assert alert.link == reverse("casenotes:note", args=[a.pk, note.pk])
    response = client_for(manager).post(alert.link, {"countersign": "1"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.countersigned_by == manager
    with pytest.raises(ConflictError):
        services.note_countersign(note=note, by=manager, person_id=a.pk)
    page = client_for(worker).get(alert.link).content.decode()
    assert "Mother phoned to add detail." in page
    assert f"By {manager.display_name}" in page


def test_search_uses_english_stemming_and_the_childs_own_words(worker, siblings):
    a = siblings[0]
    write(worker, a, parts([a]), narrative="The children were visiting their grandmother.")
    write(
        worker,
        a,
        [services.ChildPart(person_id=a.pk, child_said="I miss my dogs")],
        note_type=NoteType.PHONE_CALL,
        summary="Call",
        narrative="Phone call with school.",
    )

    def found(**kw):
        return selectors.notes_for_child(
            user=worker, person=a, filters=selectors.NoteFilters(**kw)
        ).count()

    assert found(q="visit") == 1
    assert found(q="dog") == 1
    assert found(note_type=NoteType.PHONE_CALL) == 1
    assert found(date_from=D(2026, 11, 3)) == 0


def test_the_tab_searches_filters_paginates_and_refuses_bad_filters_clearly(
    as_worker, worker, siblings
):
    a = siblings[0]
    for _ in range(27):
        write(worker, a, parts([a]))
    url = reverse("casenotes:tab", args=[a.pk])
    page = as_worker.get(url).content.decode()
    assert page.count('data-testid="note-row"') == 25 and "Page 1 of 2" in page
    bad = as_worker.get(url, {"from": "31/02/2026", "author": "x"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "From must be a date such as 2024-03-31" in text
    assert "Author must be a whole number" in text
    assert AccessLog.objects.filter(person_id=a.pk, action=AccessAction.VIEW).exists()


def test_the_tab_runs_the_same_queries_however_many_notes(
    as_worker, worker, siblings, django_assert_max_num_queries
):
    a = siblings[0]
    url = reverse("casenotes:tab", args=[a.pk])
    write(worker, a, parts([a]))
    as_worker.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        as_worker.get(url)
    for _ in range(20):
        write(worker, a, parts([a]), significant=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_worker.get(url)


def test_printing_is_logged_as_a_print(as_worker, worker, siblings):
    a = siblings[0]
    write(worker, a, parts([a]))
    response = as_worker.get(reverse("casenotes:print", args=[a.pk]))
    assert 'data-testid="printed-note"' in response.content.decode()
    assert AccessLog.objects.filter(person_id=a.pk, action=AccessAction.PRINT).exists()


def test_writing_a_note_through_the_page_for_two_siblings(as_worker, siblings):
    a, b, _ = siblings
    response = as_worker.post(
        reverse("casenotes:new", args=[a.pk]),
        {
            "note_type": "home_visit",
            "occurred_on": "2026-11-02",
            "summary": "Visit",
            "narrative": "Saw both children.",
            f"child_{a.pk}": "on",
            f"seen_{a.pk}": "on",
            f"alone_{a.pk}": "on",
            f"said_{a.pk}": "My room is nice",
            f"child_{b.pk}": "on",
            "finalise": "1",
        },
    )
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.is_final
    assert set(note.children.values_list("person_id", flat=True)) == {a.pk, b.pk}


def test_a_refused_note_says_what_is_wrong_and_saves_nothing(as_worker, siblings):
    a = siblings[0]
    response = as_worker.post(
        reverse("casenotes:new", args=[a.pk]),
        {
            "note_type": "home_visit",
            "occurred_on": "2026-11-02",
            f"seen_{a.pk}": "",
            f"alone_{a.pk}": "on",
            f"child_{a.pk}": "on",
            "save": "1",
        },
    )
    assert response.status_code == 400
    assert "A child not seen cannot have been seen alone" in response.content.decode()
    assert not CaseNote.objects.exists()


def test_autosave_keeps_a_draft_and_returns_where_it_lives(as_worker, siblings):
    a = siblings[0]
    response = as_worker.post(
        reverse("casenotes:new", args=[a.pk]),
        {
            "note_type": "meeting",
            "occurred_on": "2026-11-02",
            "narrative": "Half wri",
            f"child_{a.pk}": "on",
            "autosave": "1",
        },
    )
    answer = response.json()
    note = CaseNote.objects.get()
    assert answer["saved"] and answer["url"] == reverse("casenotes:note", args=[a.pk, note.pk])
    again = as_worker.post(
        answer["url"],
        {
            "note_type": "meeting",
            "occurred_on": "2026-11-02",
            "narrative": "Half written, now more",
            f"child_{a.pk}": "on",
            "autosave": "1",
            "version": str(answer["version"]),
        },
    )
    assert again.json()["saved"]
    note.refresh_from_db()
    assert note.narrative == "Half written, now more" and not note.is_final


def test_reading_age_and_jargon_for_a_record_written_to_the_child(as_worker):
    result = readability.assess(
        "You went to contact with your mum. The LAC review said your placement is going well."
    )
    assert {j.term for j in result.jargon} == {"contact", "LAC", "placement"}
    assert result.reading_age is not None
    answer = as_worker.post(reverse("casenotes:readability"), {"text": "We had a CP meeting."})
    assert answer.json()["jargon"][0]["term"] == "CP"
    assert as_worker.get(reverse("casenotes:readability")).status_code == 405


def test_a_visit_is_written_once_its_note_becomes_a_case_note(worker, child, manager, teams):
    from haven.childinneed.services import cin_plan_start
    from haven.frontdoor.services import referral_create
    from haven.protection.services import visit_record

    referral = referral_create(
        person=child, by=manager, referral_date=D(2026, 3, 1), source="6", team=teams["assessment"]
    )
    plan = cin_plan_start(referral=referral, by=manager, start_date=D(2026, 3, 10))
    visit = visit_record(
        kind="cin",
        plan=plan,
        by=worker,
        visited_on=D(2026, 4, 1),
        child_seen=True,
        seen_alone=True,
        notes="Saw Sam in his room.",
        child_said="I want my dog back",
    )
    part = CaseNoteChild.objects.get(visit=visit)
    assert part.person_id == child.pk and part.seen_alone
    assert part.note.narrative == "Saw Sam in his room." and part.note.is_final
    assert part.child_said == "I want my dog back"
    visit.refresh_from_db()
    assert visit.notes == ""  # written once: in the case note, not on the visit
    assert part.note.note_type == NoteType.HOME_VISIT
    page = client_for(worker).get(reverse("casenotes:note", args=[child.pk, part.note_id]))
    assert "Recorded with the child in need visit of 1 April 2026" in page.content.decode()


def test_figures_seen_alone_share_and_notes_per_worker_per_week(worker, siblings):
    a, b, _ = siblings
    write(
        worker,
        a,
        [
            services.ChildPart(person_id=a.pk, seen=True, seen_alone=True),
            services.ChildPart(person_id=b.pk, seen=True),
        ],
    )
    write(worker, a, parts([a]), note_type=NoteType.PHONE_CALL)
    counts = {
        m.name: figures.NOTE_CHILDREN.queryset().filter(m.where).count()
        for m in (figures.VISITS, figures.SEEN_ALONE)
    }
    assert counts == {"visit_notes": 2, "visit_notes_seen_alone": 1}
    table = figures.notes_per_worker_week(today=D(2026, 11, 4))
    assert table["rows"][0]["worker"] == worker
    assert table["rows"][0]["counts"][-1] == 2


def test_two_tabs_saving_the_same_draft_never_silently_overwrite(as_worker, worker, siblings):
    a = siblings[0]
    note = write(worker, a, parts([a]), finalise=False)
    url = reverse("casenotes:note", args=[a.pk, note.pk])
    posted = {
        "note_type": "meeting",
        "occurred_on": "2026-11-02",
        f"child_{a.pk}": "on",
        "version": str(note.version),
        "save": "1",
    }
    assert as_worker.post(url, {**posted, "narrative": "First tab"}).status_code == 302
    second = as_worker.post(url, {**posted, "narrative": "Second tab"})
    assert second.status_code == 400
    assert "Someone else saved changes" in second.content.decode()
    note.refresh_from_db()
    assert note.narrative == "First tab"


def test_the_figures_pages_count_from_the_notes(as_manager, as_worker, worker, siblings):
    a, b, _ = siblings
    write(
        worker,
        a,
        [
            services.ChildPart(person_id=a.pk, seen=True, seen_alone=True),
            services.ChildPart(person_id=b.pk, seen=True),
        ],
    )
    page = as_manager.get(reverse("performance:page", args=["casenotes"]))
    assert page.status_code == 200
    assert "Visits with the child seen alone" in page.content.decode()
    weekly = as_manager.get(reverse("casenotes:weekly"))
    assert worker.display_name in weekly.content.decode()
    assert as_worker.get(reverse("casenotes:weekly")).status_code == 403
