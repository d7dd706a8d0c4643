"""Documents in Chromium: a worker uploads a photo to two siblings' records in one step, both
records show it, and the court chronology PDF is produced, downloaded and read back (pypdf)
with an entry of the child's chronology in it; an administrator words a letter template."""

import datetime
import io

import pytest
from pypdf import PdfReader

from haven.accounts.models import Role
from haven.documents.models import Document, StoredFile
from haven.documents.tests.conftest import PNG
from haven.people.models import Relationship, RelationshipType
from tests.browser.conftest import assert_accessible
from tests.browser.test_front_door_journey import sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_photo_for_two_siblings_and_the_court_chronology(
    browser, live_server, make_child, make_user, worker
):
    amy = make_child(given_names="Amy", family_name="Rowe", date_of_birth=datetime.date(2016, 2, 1))
    ben = make_child(given_names="Ben", family_name="Rowe", date_of_birth=datetime.date(2019, 7, 9))
    Relationship.objects.create(
        person=ben, relative_of=amy, relationship_type=RelationshipType.SIBLING
    )

    me = sign_in(browser, live_server, worker)
    me.goto(f"/documents/{amy.pk}/")
    assert_accessible(me)
    me.get_by_label("File").set_input_files(
        {"name": "bedroom.png", "mimeType": "image/png", "buffer": PNG}
    )
    me.get_by_label("Category").select_option(label="Photo")
    fill_date(me, "Date of the document", datetime.date(2026, 11, 2))
    me.get_by_label("Description").fill("Photo of the children's bedroom")
    me.get_by_label("Ben Rowe").check()
    me.get_by_role("button", name="Add the document").click()
    assert me.get_by_text("Document added to 2 children's records").is_visible()
    assert StoredFile.objects.count() == 1

    # Both records show it.
    for child in (amy, ben):
        me.goto(f"/documents/{child.pk}/")
        assert me.get_by_role(
            "cell", name="Photo of the children's bedroom", exact=True
        ).is_visible()

    # A refused upload says why, beside the field.
    me.get_by_label("File").set_input_files(
        {
            "name": "drawing.svg",
            "mimeType": "image/svg+xml",
            "buffer": b"<svg><script>x</script></svg>",
        }
    )
    me.get_by_label("Category").select_option(label="Other")
    fill_date(me, "Date of the document", datetime.date(2026, 11, 2))
    me.get_by_label("Description").fill("A drawing")
    me.get_by_role("button", name="Add the document").click()
    assert "Error: " in me.title()
    assert me.get_by_text(
        "SVG images are not accepted because they can contain scripts"
    ).first.is_visible()
    assert_accessible(me)

    # The court chronology, produced from Amy's chronology and read back from the PDF.
    me.goto(f"/documents/{amy.pk}/")
    me.get_by_label("Court chronology").check()
    me.get_by_role("button", name="Produce the PDF").click()
    assert me.get_by_text("Court chronology produced and added to the documents").is_visible()
    document = Document.objects.get(person=amy, template_key="court_chronology")
    with me.expect_download() as download:
        me.get_by_role("link", name=f"Download {document.description}").click()
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages
    )
    first_event = amy.chronology_events.order_by("occurred_on", "id").first()
    assert "Significance" in text
    assert first_event.text in " ".join(text.split())

    # An administrator words the outcome letter; a mistake is explained.
    admin = sign_in(browser, live_server, make_user(Role.ADMINISTRATOR, team=None))
    admin.goto("/documents/templates/")
    assert_accessible(admin)
    admin.get_by_role("link", name="Outcome letter to a referrer").click()
    admin.get_by_label("Wording").fill("<p>Dear {{ referrer }}</p>")
    admin.get_by_role("button", name="Save the template").click()
    assert admin.get_by_text(
        "Line 1: {{ referrer }} is not something a letter can use"
    ).first.is_visible()
    assert_accessible(admin)
    admin.get_by_label("Wording").fill("<p>Dear {{ referral.referrer_name }}</p>")
    admin.get_by_role("button", name="Save the template").click()
    assert admin.get_by_text("Outcome letter to a referrer template saved").is_visible()
