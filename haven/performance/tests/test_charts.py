"""Each performance page draws each measure's months as a chart beside its tables: server-drawn
SVG with a text alternative, no script or inline style, references where there are any, and
every point a link to the children behind it."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from conftest import client_for
from haven.frontdoor.models import ContactChild
from haven.frontdoor.services import contact_correct_received
from haven.performance.front_door import FRONT_DOOR
from haven.performance.protection import CHILD_PROTECTION
from haven.performance.tests.conftest import FrontDoor, at

pytestmark = pytest.mark.django_db

PAGE = reverse("performance:front_door")
LIST = reverse("performance:measure_list")


def charts_of(response: Any) -> dict[str, Any]:
    tree = lxml_html.fromstring(response.content)
    return {
        figure.get("data-measure"): figure
        for figure in tree.xpath('//section[@data-testid="charts"]//figure')
    }


def point_links(figure: Any) -> dict[str, str]:
    """Each point's accessible name and where it leads."""
    return {a.get("aria-label"): a.get("href") for a in figure.xpath(".//svg//a")}


def test_each_front_door_measure_has_a_chart_with_a_text_alternative(
    front_door: FrontDoor, analyst: Any
) -> None:
    response = client_for(analyst).get(PAGE, {"year": "2020"})
    charts = charts_of(response)
    assert list(charts) == [m.name for m in FRONT_DOOR.measures]
    contacts = charts["contacts"]
    svg = contacts.xpath(".//svg")[0]
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.xpath(f'.//*[@id="{title_id}"]')[0].text == "Contacts"
    description = svg.xpath(f'.//*[@id="{desc_id}"]')[0].text
    # Apart from the restricted child's, the year's contacts: April 2019 (2), June (1), March.
    assert description.startswith("Contacts by month, April 2019 to March 2020.")
    assert "Highest 2 in April 2019; lowest 0 in" in description
    # The same words are shown under the chart, and the table with every number stays.
    assert contacts.xpath(".//figcaption")[0].text_content() == description
    assert b'data-testid="by-month"' in response.content


def test_a_chart_has_no_script_no_inline_style_and_no_repeated_ids(
    front_door: FrontDoor, analyst: Any
) -> None:
    page = client_for(analyst).get(PAGE, {"year": "2020"}).content.decode()
    section = page[page.index('data-testid="charts"') : page.index('data-testid="by-month"')]
    assert "<svg" in section
    assert "<script" not in section and "<style" not in section
    assert not re.search(r"\sstyle=", section)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_every_point_links_to_the_list_of_that_month(front_door: FrontDoor, analyst: Any) -> None:
    charts = charts_of(client_for(analyst).get(PAGE, {"year": "2020"}))
    links = point_links(charts["children_contacted"])
    assert len(links) == 12
    june = links["Children contacted, June 2019: 2 (list the children)"]
    assert june == f"{LIST}?measure=children_contacted&year=2020&month=2019-06"
    rate = point_links(charts["decisions_within_1wd_pct"])
    # No decision in a month: no point (and no link) for it.
    assert "Contact decisions within 1 working day, April 2019: 100.0% (list the children)" in rate
    assert not any("May 2019" in name for name in rate)


def test_a_charts_point_opens_the_list_of_the_children_behind_it(
    front_door: FrontDoor, analyst: Any
) -> None:
    client = client_for(analyst)
    charts = charts_of(client.get(PAGE, {"year": "2020"}))
    june = point_links(charts["children_contacted"])[
        "Children contacted, June 2019: 2 (list the children)"
    ]
    listed = lxml_html.fromstring(client.get(june).content)
    ids = {cell.text for cell in listed.xpath("//tbody/tr/td[3]")}
    assert ids == {str(front_door.children[k].pk) for k in ("cat", "dan")}


def test_englands_figure_and_a_local_target_are_drawn_as_lines(
    front_door: FrontDoor, analyst: Any, settings: Any
) -> None:
    settings.HAVEN_PERFORMANCE_TARGETS = {"assessments_within_45wd_pct": 90.0}
    charts = charts_of(client_for(analyst).get(PAGE, {"year": "2020"}))
    assessed = charts["assessments_within_45wd_pct"]
    legend = [t.text for t in assessed.xpath('.//*[contains(@class, "legends")]//text')]
    assert legend == [
        "Assessments authorised within 45 working days",
        "England, about 85.7%",
        "Target, 90",
    ]
    assert len(assessed.xpath('.//*[contains(@class, "serie-1")]/path')) == 1
    description = assessed.xpath(".//figcaption")[0].text_content()
    assert "Dashed line: England, about 85.7%." in description
    assert "Dashed line: Target, 90." in description
    # A measure with no national figure and no target has no reference line or legend.
    assert not charts["contacts"].xpath('.//*[contains(@class, "serie-1")]/path')


def test_the_child_protection_page_has_a_chart_for_each_measure(analyst: Any) -> None:
    response = client_for(analyst).get(reverse("performance:child_protection"), {"year": "2020"})
    charts = charts_of(response)
    assert list(charts) == [m.name for m in CHILD_PROTECTION.measures]
    per_10000 = charts["children_on_cpp_per_10000"]
    assert "England, about 41 per 10,000" in per_10000.text_content()
    links = point_links(charts["children_on_cpp_at_year_end"])
    assert (
        links["Children on a child protection plan, April 2019: 0 (list the children)"]
        == f"{LIST}?measure=children_on_cpp_at_year_end&year=2020&month=2019-04"
    )


def test_a_contacts_copies_follow_it_when_its_received_time_is_corrected(
    front_door: FrontDoor, analyst: Any, manager: Any
) -> None:
    contact = front_door.contacts["easter"]
    contact_correct_received(contact=contact, by=manager, received_at=at(2019, 7, 1))
    row = ContactChild.objects.get(contact=contact)
    assert row.received_at == at(2019, 7, 1)
    assert row.decision_due == datetime.date(2019, 7, 2)
    assert row.source == "2A"
    charts = charts_of(client_for(analyst).get(PAGE, {"year": "2020"}))
    links = point_links(charts["contacts"])
    assert "Contacts, July 2019: 1 (list the children)" in links
