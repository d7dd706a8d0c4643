"""A worker writes one home visit for three siblings, with the child's words, flags it
significant and finalises it; adds an addendum; asks the manager to countersign, who does.
Each sibling's record and chronology shows it."""

import datetime

import pytest

from haven.people.models import Relationship
from tests.browser.conftest import assert_accessible
from tests.browser.test_front_door_journey import sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_home_visit_for_three_siblings(browser, live_server, make_child, worker, manager):
    amy = make_child(given_names="Amy", date_of_birth=datetime.date(2012, 1, 5))
    ben = make_child(given_names="Ben", date_of_birth=datetime.date(2015, 6, 1))
    cal = make_child(given_names="Cal", date_of_birth=datetime.date(2019, 9, 9))
    for child in (ben, cal):
        Relationship.objects.create(person=child, relative_of=amy, relationship_type="sibling")
    yesterday = datetime.date.today() - datetime.timedelta(days=1)

    page = sign_in(browser, live_server, worker)
    page.goto(f"/casenotes/{amy.pk}/")
    assert_accessible(page)
    page.get_by_test_id("write-note").click()
    page.get_by_label("Type").select_option("home_visit")
    fill_date(page, "When it happened", yesterday)
    page.get_by_label("Who was present").fill("Mother, Amy, Ben and Cal")
    page.get_by_label("This note is about Ben Smith").check()
    page.get_by_label("This note is about Cal Smith").check()
    page.get_by_label("Amy Smith was seen", exact=True).check()
    page.get_by_label("Amy Smith was seen alone").check()
    page.get_by_label("What Amy Smith said").fill("I want to see my dad more")
    page.get_by_label("Ben Smith was seen", exact=True).check()
    page.get_by_label("Summary").fill("Home visit: all three children seen")
    page.get_by_label("What happened").fill(
        "I visited the family at home. Amy talked about contact with her father and school. "
        "The house was warm and tidy and there was food in the kitchen."
    )
    page.get_by_label("Written to the child (check the reading age and jargon)").check()
    # The reading age and jargon, from the server, as the worker types.
    page.get_by_test_id("readability").get_by_text('"contact" (say family time)').wait_for()
    # The draft saves itself as the worker types, seen by no one else yet.
    page.get_by_test_id("autosave-status").get_by_text("Draft saved at").wait_for()
    assert "/notes/" in page.url
    page.get_by_label("Significant event (appears in the chronology)").check()
    assert_accessible(page)
    page.get_by_role("button", name="Finalise the note").click()
    page.get_by_text("Case note finalised").wait_for()
    assert "I want to see my dad more" in page.get_by_test_id("child-said").inner_text()
    assert_accessible(page)

    page.get_by_text("Add an addendum").click()
    page.get_by_label("Addendum").fill("Father confirmed by phone that he will visit on Saturday.")
    page.get_by_role("button", name="Add the addendum").click()
    assert "Father confirmed" in page.get_by_test_id("addendum").inner_text()
    page.get_by_text("Ask a manager to countersign").click()
    page.get_by_label("Manager").select_option(label=manager.display_name)
    page.get_by_role("button", name="Ask to countersign").click()
    note_url = page.url

    for child in (amy, ben, cal):
        page.goto(f"/casenotes/{child.pk}/")
        assert "Home visit: all three children seen" in page.get_by_test_id("note-row").inner_text()
        page.goto(f"/people/{child.pk}/chronology/")
        assert page.get_by_text("Home visit: Home visit: all three children seen").count() == 1

    page.goto(f"/casenotes/{amy.pk}/?q=fathers")
    assert page.get_by_test_id("note-count").inner_text() == "1 note found"
    page.context.close()

    boss = sign_in(browser, live_server, manager)
    boss.goto(note_url)
    boss.get_by_role("button", name="Countersign this note").click()
    assert manager.display_name in boss.get_by_test_id("countersigned").inner_text()
    assert_accessible(boss)
