"""Case recording end to end in Chromium with the README's logins: the worker records one home
visit for three siblings allocated to them, with the child's words, attaches a photo to the
three records from the Documents tab, flags the note significant and finalises it; the manager
records oversight with an action for the worker; the worker finds the action on "my work" and
marks it done, then produces the court chronology PDF, which holds the visit (read back with
pypdf). axe-core on every page a role arrives at; no Content-Security-Policy violation."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from haven.casenotes.models import CaseNoteChild
from haven.documents.models import Document, StoredFile
from haven.documents.tests.conftest import PNG
from haven.oversight.models import OversightAction
from haven.people import services as people
from haven.people.models import PersonKind, RelationshipType
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "Home visit to Amy, Ben and Cal Rowe"
CHILD_SAID = "I like it when Nan picks me up from school"


def test_one_visit_for_three_siblings_to_oversight_and_the_court_chronology(
    browser, live_server, demo_staff
):
    teams, users = demo_staff
    manager, worker = users["team.manager"], users["social.worker"]
    team = teams["Winchester district assessment"]
    amy, ben, cal = (
        people.person_create(
            by=manager,
            kind=PersonKind.CHILD,
            details={
                "given_names": given,
                "family_name": "Rowe",
                "date_of_birth": born,
                "sex": sex,
            },
            team=team,
        )
        for given, born, sex in (
            ("Amy", datetime.date(2014, 3, 2), "F"),
            ("Ben", datetime.date(2017, 8, 19), "M"),
            ("Cal", datetime.date(2020, 1, 11), "M"),
        )
    )
    for sibling in (ben, cal):
        people.relationship_add(
            child=amy, by=manager, relationship_type=RelationshipType.SIBLING, relative=sibling
        )
    for child in (amy, ben, cal):
        people.case_allocate(person=child, by=manager, team=team, worker=worker)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    signed_in = []

    def as_(username: str):
        _context, page, violations = sign_in(browser, live_server, username)
        assert "/sign-in/" not in page.url, f"{username} could not sign in"
        signed_in.append((username, violations))
        assert_accessible(page)  # where the role lands
        return page

    # 1. The worker writes the visit once, for the three siblings, with Amy's own words.
    me = as_("social.worker")
    me.goto(f"/casenotes/{amy.pk}/")
    assert_accessible(me)
    me.get_by_test_id("write-note").click()
    me.get_by_label("Type").select_option("home_visit")
    fill_date(me, "When it happened", yesterday)
    me.get_by_label("Who was present").fill("Mother, Amy, Ben and Cal")
    me.get_by_label("This note is about Ben Rowe").check()
    me.get_by_label("This note is about Cal Rowe").check()
    for name in ("Amy Rowe", "Ben Rowe", "Cal Rowe"):
        me.get_by_label(f"{name} was seen", exact=True).check()
    me.get_by_label("Amy Rowe was seen alone").check()
    me.get_by_label("What Amy Rowe said").fill(CHILD_SAID)
    me.get_by_label("Summary").fill(SUMMARY)
    me.get_by_label("What happened").fill(
        "I saw the three children at home with their mother. The house was warm and there was "
        "food in the kitchen. Amy showed me the bedroom she shares with Ben."
    )
    me.get_by_test_id("autosave-status").get_by_text("Draft saved at").wait_for()
    assert_accessible(me)
    note_url = me.url
    assert "/notes/" in note_url

    # 2. The photo of the bedroom goes on the three records in one upload.
    me.goto(f"/documents/{amy.pk}/")
    assert_accessible(me)
    me.get_by_label("File").set_input_files(
        {"name": "bedroom.png", "mimeType": "image/png", "buffer": PNG}
    )
    me.get_by_label("Category").select_option(label="Photo")
    fill_date(me, "Date of the document", yesterday)
    me.get_by_label("Description").fill("Photo of the children's bedroom")
    me.get_by_label("Ben Rowe").check()
    me.get_by_label("Cal Rowe").check()
    me.get_by_role("button", name="Add the document").click()
    assert me.get_by_text("Document added to 3 children's records").is_visible()
    assert StoredFile.objects.count() == 1
    assert set(Document.objects.values_list("person_id", flat=True)) == {amy.pk, ben.pk, cal.pk}

    # 3. Back to the draft: flagged significant and finalised; every sibling has it.
    me.goto(note_url)
    assert me.get_by_label("Summary").input_value() == SUMMARY
    me.get_by_label("Significant event (appears in the chronology)").check()
    me.get_by_role("button", name="Finalise the note").click()
    me.get_by_text("Case note finalised").wait_for()
    assert CHILD_SAID in me.get_by_test_id("child-said").inner_text()
    assert_accessible(me)
    parts = CaseNoteChild.objects.filter(note__summary=SUMMARY, is_final=True)
    assert set(parts.values_list("person_id", flat=True)) == {amy.pk, ben.pk, cal.pk}
    for child in (ben, cal):
        me.goto(f"/casenotes/{child.pk}/")
        assert SUMMARY in me.get_by_test_id("note-row").inner_text()

    # 4. The manager directs the case, with an action for the worker.
    boss = as_("team.manager")
    boss.goto(f"/people/{amy.pk}/oversight/")
    assert_accessible(boss)
    boss.get_by_label("Decision and direction").fill(
        "Visits are going well: keep seeing Amy alone and ask the school about attendance."
    )
    boss.get_by_label("Action 1: what needs doing").fill("Ask the school about Amy's attendance")
    boss.get_by_label("Action 1: who will do it").select_option(label=worker.display_name)
    fill_date(boss, "Action 1: due by (optional)", datetime.date.today() + datetime.timedelta(7))
    boss.get_by_role("button", name="Record oversight").click()
    assert boss.get_by_text("Management oversight recorded").is_visible()
    assert_accessible(boss)

    # 5. The worker finds the action on "my work" and marks it done.
    me.goto("/my-work/")
    me.get_by_test_id("my-work").get_by_role(
        "link", name="Ask the school about Amy's attendance"
    ).click()
    assert_accessible(me)
    me.get_by_role("button", name="Mark as done").click()
    assert me.get_by_text("Action marked as done").is_visible()
    assert OversightAction.objects.get().done_by == worker
    me.goto("/my-work/")
    assert "Ask the school about Amy's attendance" not in me.locator("main").inner_text()

    # 6. The court chronology, produced from Amy's record, holds the visit.
    me.goto(f"/documents/{amy.pk}/")
    me.get_by_label("Court chronology").check()
    me.get_by_role("button", name="Produce the PDF").click()
    assert me.get_by_text("Court chronology produced and added to the documents").is_visible()
    assert_accessible(me)
    document = Document.objects.get(person=amy, template_key="court_chronology")
    with me.expect_download() as download:
        me.get_by_role("link", name=f"Download {document.description}").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert SUMMARY in text
    assert "Significance" in text

    for username, violations in signed_in:
        assert not violations, (username, violations)
