"""The National Transfer Scheme figures on hand-built children: who counts as UASC looked after,
the threshold and headroom, arrivals and transfers by month, and the page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.core.models import AccessLog
from haven.uasc import selectors, services
from haven.uasc.tests.conftest import put_in_care

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2025, 3, 31)


@pytest.fixture
def children(make_child, worker):
    """Ana: UASC and looked after on DAY. Ben: UASC, status ceased before DAY. Cal: UASC, left
    care before DAY. Dee: looked after, not UASC. Eve: UASC arriving after DAY."""
    made = {}
    for name, born in (("Ana", 2009), ("Ben", 2007), ("Cal", 2008), ("Dee", 2012), ("Eve", 2010)):
        made[name] = make_child(given_names=name, family_name="Test", date_of_birth=D(born, 5, 1))
    for name, arrived in (("Ana", D(2024, 6, 10)), ("Ben", D(2024, 6, 20)), ("Cal", D(2024, 7, 2))):
        services.uasc_record(person=made[name], by=worker, arrived_on=arrived)
        put_in_care(made[name], worker, arrived, end=D(2025, 1, 15) if name == "Cal" else None)
    services.uasc_cease(status=made["Ben"].uasc, by=worker, ceased_on=D(2025, 3, 1))
    put_in_care(made["Dee"], worker, D(2024, 5, 1))
    services.uasc_record(person=made["Eve"], by=worker, arrived_on=D(2025, 4, 2))
    put_in_care(made["Eve"], worker, D(2025, 4, 2))
    return made


def test_uasc_looked_after_needs_both_a_uasc_status_and_a_period_of_care_open(children):
    counted = set(selectors.uasc_looked_after(DAY, []).values_list("given_names", flat=True))
    assert counted == {"Ana"}
    # On a day before Ben's status ceased and Cal left care, all three counted.
    earlier = selectors.uasc_looked_after(D(2024, 12, 31), [])
    assert set(earlier.values_list("given_names", flat=True)) == {"Ana", "Ben", "Cal"}


def test_restricted_children_are_left_out_when_hidden(children):
    assert selectors.uasc_looked_after(DAY, [children["Ana"].pk]).count() == 0


def test_threshold_and_headroom_from_the_population(children, settings):
    settings.HAVEN_NTS_THRESHOLD_PCT = 0.1
    position = selectors.nts_position(day=DAY, population=2_500, hidden=[])
    assert (position.looked_after, position.threshold, position.headroom) == (1, 2, 1)
    settings.HAVEN_NTS_THRESHOLD_PCT = 0.07  # the scheme's threshold from 2016 to 2021
    position = selectors.nts_position(day=DAY, population=2_500, hidden=[])
    assert (position.threshold, position.headroom) == (1, 0)
    over = selectors.nts_position(day=D(2024, 12, 31), population=1_000, hidden=[])
    assert over.headroom == -3 and over.pct_of_population == 0.3


def test_arrivals_and_transfers_by_month(children, worker):
    ana, cal = children["Ana"], children["Cal"]
    first_in = services.nts_referral_record(
        person=ana, by=worker, direction="in", other_council="Kent", referred_on=D(2024, 6, 11)
    )
    services.nts_referral_decide(
        transfer=first_in, by=worker, status="transferred", transferred_on=D(2024, 6, 12)
    )
    out = services.nts_referral_record(
        person=cal, by=worker, direction="out", other_council="Leeds", referred_on=D(2024, 7, 5)
    )
    services.nts_referral_decide(
        transfer=out, by=worker, status="transferred", transferred_on=D(2024, 8, 1)
    )
    declined = services.nts_referral_record(
        person=children["Ben"],
        by=worker,
        direction="out",
        other_council="Hull",
        referred_on=D(2024, 7, 1),
    )
    services.nts_referral_decide(transfer=declined, by=worker, status="declined")
    months = selectors.nts_months(first=D(2024, 4, 1), last=D(2025, 3, 31), hidden=[])
    assert len(months) == 12
    table = {m.month: (m.arrivals, m.transfers_in, m.transfers_out) for m in months}
    assert table[D(2024, 6, 1)] == (2, 1, 0)
    assert table[D(2024, 7, 1)] == (1, 0, 0)
    assert table[D(2024, 8, 1)] == (0, 0, 1)
    assert sum(m.arrivals for m in months) == 3  # Eve arrived in April 2025, the next year


def test_the_page_shows_the_position_and_lists_children_only_to_those_who_may_see_them(
    children, make_user, manager
):
    analyst = make_user(Role.PERFORMANCE_ANALYST, None)
    page = client_for(analyst).get(reverse("nts:position"), {"year": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="uasc-count">1<' in html
    # The population is the children recorded and aged 0-17 on 31 March 2025: all five.
    assert 'data-testid="threshold">0<' in html and 'data-testid="headroom">-1<' in html
    assert 'data-testid="month-2024-06"' in html
    listing = client_for(analyst).get(reverse("nts:children"), {"year": "2025"})
    text = listing.content.decode()
    assert str(children["Ana"].pk) in text and "Ana Test" not in text
    assert AccessLog.objects.filter(person_id=children["Ana"].pk, action="listed").exists()
    as_manager = client_for(manager).get(reverse("nts:children"), {"year": "2025"})
    assert "Ana Test" in as_manager.content.decode()


def test_the_page_is_for_figures_roles(as_worker):
    assert as_worker.get(reverse("nts:position")).status_code == 403
