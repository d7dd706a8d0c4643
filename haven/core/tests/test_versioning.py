import pytest

from haven.core.versioning import ConcurrentEditError, update_with_version
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def test_an_update_at_the_expected_version_saves_and_moves_the_version_on(child):
    before = Person.objects.get(pk=child.pk)
    update_with_version(Person, child.pk, before.version, religion="Quaker")
    after = Person.objects.get(pk=child.pk)
    assert (after.religion, after.version) == ("Quaker", before.version + 1)
    assert after.updated_at > before.updated_at


def test_an_update_from_a_stale_version_writes_nothing_and_shows_the_record_now(child):
    stale = child.version
    update_with_version(Person, child.pk, stale, religion="Quaker")
    with pytest.raises(ConcurrentEditError) as caught:
        update_with_version(Person, child.pk, stale, religion="Muslim")
    assert caught.value.current.religion == "Quaker"
    assert caught.value.current.version == stale + 1
    assert Person.objects.get(pk=child.pk).religion == "Quaker"


def test_without_an_expected_version_the_version_still_moves_on(child):
    update_with_version(Person, child.pk, None, religion="Quaker")
    update_with_version(Person, child.pk, None, religion="Sikh")
    assert Person.objects.get(pk=child.pk).version == child.version + 2


def test_people_and_assessments_raise_the_one_concurrent_edit_error():
    from haven.assessments import services as assessments
    from haven.people import services as people

    assert people.ConcurrentEditError is assessments.ConcurrentEditError is ConcurrentEditError
