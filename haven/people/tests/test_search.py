"""Finding a person from the search box, and spotting duplicates before creating one."""

from __future__ import annotations

import datetime

import pytest

from haven.accounts.models import User
from haven.people.models import Address, Person, PersonName, RestrictedAccess
from haven.people.search import SearchHit, likely_duplicates, parse_query, person_search

pytestmark = pytest.mark.django_db

DOB = datetime.date(2015, 3, 12)


@pytest.fixture
def worker() -> User:
    return User.objects.create_user(
        username="sam.worker", password="a long test password", role="practitioner"
    )


def make_person(given: str, family: str, **fields: object) -> Person:
    return Person.objects.create(given_names=given, family_name=family, **fields)


def ids(hits: list[SearchHit]) -> list[int]:
    return [h.person.pk for h in hits]


def hit_for(hits: list[SearchHit], person: Person) -> SearchHit:
    return next(h for h in hits if h.person.pk == person.pk)


# -- reading the box --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["12/03/2015", "12-03-2015", "2015-03-12", "12 03 2015", "12.3.2015"]
)
def test_every_common_way_of_writing_a_date_is_read_as_the_date_of_birth(text: str) -> None:
    terms = parse_query(f"smith {text}")
    assert terms.date_of_birth == DOB
    assert terms.name_words == ["smith"]


def test_identifiers_and_postcodes_are_told_apart_from_names() -> None:
    terms = parse_query("943 476 5919 A85012345678B so238uj Smith SO24")
    assert terms.nhs_number == "9434765919"
    assert terms.upn == "A85012345678B"
    assert terms.postcode == "SO23 8UJ"
    assert terms.name_words == ["smith"]
    assert terms.outward_code == "SO24"


def test_an_outward_code_alone_is_an_area_not_a_name() -> None:
    terms = parse_query("SO23")
    assert terms.outward_code == "SO23"
    assert terms.name_words == []


# -- names ------------------------------------------------------------------------------------


def test_a_misspelt_name_finds_the_child(worker: User) -> None:
    john = make_person("John", "Smith", date_of_birth=DOB)
    make_person("Mary", "Jones")
    hits = person_search(user=worker, query="Jon Smyth")
    assert ids(hits)[0] == john.pk
    assert hit_for(hits, john).matched_on == ["name"]


def test_a_first_name_spelt_another_way_finds_the_child(worker: User) -> None:
    catherine = make_person("Catherine", "Jones")
    assert catherine.pk in ids(person_search(user=worker, query="Katherine"))


def test_names_given_surname_first_still_find_the_child(worker: User) -> None:
    child = make_person("Oliver", "Hartley")
    assert ids(person_search(user=worker, query="hartley oliver"))[0] == child.pk


def test_accents_do_not_matter(worker: User) -> None:
    zoe = make_person("Zoë", "Müller")
    assert zoe.pk in ids(person_search(user=worker, query="zoe muller"))


def test_a_known_as_name_finds_the_child_and_says_so(worker: User) -> None:
    child = make_person("Josephine", "Barker")
    PersonName.objects.create(
        person=child, name_type="known_as", given_names="Jo", family_name="Smith"
    )
    hits = person_search(user=worker, query="Jo Smith")
    assert ids(hits) == [child.pk]
    assert hits[0].matched_on == ["known as: Jo Smith"]


def test_each_person_appears_once_however_many_of_their_names_match(worker: User) -> None:
    child = make_person("Jo", "Smith")
    PersonName.objects.create(
        person=child, name_type="known_as", given_names="Joanne", family_name="Smith"
    )
    assert ids(person_search(user=worker, query="jo smith")) == [child.pk]


def test_an_exact_name_ranks_above_a_fuzzy_one(worker: User) -> None:
    fuzzy = make_person("Jon", "Smyth")
    exact = make_person("John", "Smith")
    hits = person_search(user=worker, query="John Smith")
    assert ids(hits)[:2] == [exact.pk, fuzzy.pk]
    assert hits[0].score > hits[1].score


def test_equally_good_matches_are_in_name_order(worker: User) -> None:
    zak = make_person("Zak", "Smith")
    amy = make_person("Amy", "Smith")
    assert ids(person_search(user=worker, query="Smith")) == [amy.pk, zak.pk]


def test_results_stop_at_the_limit(worker: User) -> None:
    for i in range(5):
        make_person(f"Child{'abcde'[i]}", "Smith")
    assert len(person_search(user=worker, query="smith", limit=3)) == 3


# -- date of birth and identifiers ------------------------------------------------------------


def test_a_name_and_date_of_birth_find_only_the_child_born_that_day(worker: User) -> None:
    child = make_person("Jon", "Smith", date_of_birth=DOB)
    make_person("John", "Smith", date_of_birth=datetime.date(2016, 1, 1))
    hits = person_search(user=worker, query="John Smyth 12/03/2015")
    assert ids(hits) == [child.pk]
    assert hits[0].matched_on == ["date_of_birth", "name"]


def test_a_date_of_birth_alone_lists_the_children_born_that_day(worker: User) -> None:
    child = make_person("Amir", "Khan", date_of_birth=DOB)
    make_person("Amir", "Khan", date_of_birth=datetime.date(2015, 3, 13))
    assert ids(person_search(user=worker, query="2015-03-12")) == [child.pk]


def test_an_nhs_number_typed_with_spaces_finds_the_child(worker: User) -> None:
    child = make_person("Ava", "Patel", nhs_number="9434765919")
    make_person("Ava", "Patel")
    hits = person_search(user=worker, query="943 476 5919")
    assert ids(hits) == [child.pk]
    assert hits[0].matched_on == ["nhs_number"]


def test_an_exact_identifier_ranks_above_a_name_match(worker: User) -> None:
    named = make_person("Ava", "Patel")
    numbered = make_person("Eva", "Pattel", nhs_number="9434765919")
    hits = person_search(user=worker, query="Ava Patel 9434765919")
    assert ids(hits)[:2] == [numbered.pk, named.pk]


def test_a_upn_finds_the_child(worker: User) -> None:
    child = make_person("Leo", "Ward", upn="A85012345678B")
    assert ids(person_search(user=worker, query="a85012345678b")) == [child.pk]


# -- postcodes --------------------------------------------------------------------------------


def test_a_postcode_finds_people_who_live_or_lived_there(worker: User) -> None:
    now = make_person("Isla", "Green")
    before = make_person("Noah", "Hill")
    elsewhere = make_person("Ruby", "Cole")
    Address.objects.create(person=now, line_1="1 High Street", postcode="SO23 8UJ")
    Address.objects.create(
        person=before,
        line_1="1 High Street",
        postcode="SO23 8UJ",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2020, 1, 1),
    )
    Address.objects.create(person=elsewhere, line_1="2 Low Road", postcode="PO1 1AA")
    hits = person_search(user=worker, query="so238uj")
    assert ids(hits) == [now.pk, before.pk]  # the current resident first
    assert hits[0].matched_on == ["postcode"]


def test_a_postcode_lifts_the_child_living_there_above_namesakes(worker: User) -> None:
    make_person("Jack", "Taylor")
    there = make_person("Jack", "Taylor")
    Address.objects.create(person=there, line_1="1 High Street", postcode="SO23 8UJ")
    hits = person_search(user=worker, query="jack taylor SO23 8UJ")
    assert ids(hits)[0] == there.pk
    assert hits[0].matched_on == ["postcode", "name"]


# -- who may be found -------------------------------------------------------------------------


def test_a_restricted_record_is_absent_for_someone_not_named_on_it(worker: User) -> None:
    make_person("Harry", "Lock", is_restricted=True, nhs_number="9434765919")
    assert person_search(user=worker, query="Harry Lock") == []
    assert person_search(user=worker, query="9434765919") == []


def test_a_restricted_record_is_found_by_a_named_user(worker: User) -> None:
    child = make_person("Harry", "Lock", is_restricted=True)
    RestrictedAccess.objects.create(person=child, user=worker)
    assert ids(person_search(user=worker, query="Harry Lock")) == [child.pk]


def test_restricted_records_do_not_use_up_the_limit(worker: User) -> None:
    for _ in range(3):
        make_person("Lily", "Fox", is_restricted=True)
    visible = make_person("Lily", "Fox")
    assert ids(person_search(user=worker, query="Lily Fox", limit=1)) == [visible.pk]


def test_a_merged_record_is_absent(worker: User) -> None:
    kept = make_person("Ella", "Moss")
    make_person("Ella", "Moss", merged_into=kept)
    assert ids(person_search(user=worker, query="Ella Moss")) == [kept.pk]


@pytest.mark.parametrize("text", ["", "   ", "!!!", "12345", "x"])
def test_an_empty_or_meaningless_search_finds_nobody(worker: User, text: str) -> None:
    make_person("Ella", "Moss")
    assert person_search(user=worker, query=text) == []


# -- likely duplicates ------------------------------------------------------------------------


def test_likely_duplicates_put_the_same_nhs_number_first(worker: User) -> None:
    same_nhs = make_person("Freddie", "Nash", nhs_number="9434765919")
    same_dob = make_person("Fredy", "Nash", date_of_birth=DOB)
    make_person("Freddie", "Nash", date_of_birth=datetime.date(2012, 5, 5))  # a namesake
    make_person("Poppy", "Nash", date_of_birth=DOB)  # a twin sister, not a duplicate
    make_person("George", "Bell")
    hits = likely_duplicates(
        user=worker,
        given_names="Freddie",
        family_name="Nash",
        date_of_birth=DOB,
        nhs_number="943 476 5919",
    )
    assert ids(hits) == [same_nhs.pk, same_dob.pk]
    assert hits[0].matched_on[0] == "nhs_number"
    assert hits[1].matched_on == ["date_of_birth", "name"]


def test_likely_duplicates_match_names_the_other_way_round(worker: User) -> None:
    swapped = make_person("Nash", "Freddie", date_of_birth=DOB)
    hits = likely_duplicates(
        user=worker, given_names="Freddie", family_name="Nash", date_of_birth=DOB
    )
    assert ids(hits) == [swapped.pk]


def test_likely_duplicates_include_a_similar_name_at_the_same_postcode(worker: User) -> None:
    there = make_person("Maisie", "Hooper")
    Address.objects.create(person=there, line_1="1 High Street", postcode="SO23 8UJ")
    brother = make_person("Arthur", "Hooper")
    Address.objects.create(person=brother, line_1="1 High Street", postcode="SO23 8UJ")
    hits = likely_duplicates(
        user=worker,
        given_names="Maisy",
        family_name="Hooper",
        date_of_birth=None,
        postcode="so23 8uj",
    )
    assert ids(hits) == [there.pk]
    assert hits[0].matched_on == ["postcode", "name"]


def test_likely_duplicates_leave_out_the_record_being_edited_and_hidden_ones(
    worker: User,
) -> None:
    editing = make_person("Freddie", "Nash", date_of_birth=DOB)
    make_person("Freddie", "Nash", date_of_birth=DOB, is_restricted=True)
    hits = likely_duplicates(
        user=worker,
        given_names="Freddie",
        family_name="Nash",
        date_of_birth=DOB,
        exclude_id=editing.pk,
    )
    assert hits == []
