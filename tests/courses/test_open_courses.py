"""Open courses (公开课): any signed-in worker, on a roster or not, confirms name and ID number
once and takes the course; the record counts once a key enterprise puts them on its roster.
Other courses stay with the roster."""

import pytest
from django.urls import reverse

from courses.learning.services import lesson_complete, lesson_progress_open
from courses.models import Enrolment
from coverage.counts.recount import drift_find
from coverage.models import Enterprise, Person, TrainingRecord
from coverage.rosters.files import RosterRow
from coverage.rosters.services import roster_import
from coverage.selectors import enterprises_with_coverage
from tests.factories import (
    EnterpriseFactory,
    PersonFactory,
    RosterEntryFactory,
    UserFactory,
    course_build,
    target_this_year,
)
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

NUMBER = id_number(5, born="19850612")


@pytest.fixture
def open_course():
    return course_build(title="职业病防治公开课", lessons=1, questions=0, is_public=True)


def identity(client, course, name="刘洋", number=NUMBER):
    return client.post(
        reverse("courses:course_identity", args=[course.pk]), {"name": name, "id_number": number}
    )


def enrol(client, course):
    return client.post(reverse("courses:enrol", args=[course.pk]))


def finish(person, course):
    enrolment = Enrolment.objects.get(person=person, course=course)
    for lesson in course.lessons():
        assert lesson_complete(progress=lesson_progress_open(enrolment=enrolment, lesson=lesson))


def test_a_worker_on_no_roster_binds_once_takes_the_course_and_counts_once_rostered(
    client, open_course
):
    target = target_this_year()
    user = UserFactory(phone="+8613700000005")
    client.force_login(user)

    response = enrol(client, open_course)
    assert response.url == reverse("courses:course_identity", args=[open_course.pk])
    response = identity(client, open_course)
    assert response.status_code == 302 and response.url == open_course.url
    person = Person.objects.get(user=user)
    assert person.name == "刘洋" and person.id_number == NUMBER
    assert person.id_number_encrypted != NUMBER and person.id_number_masked.count("*") == 8
    assert not person.roster_entries.exists()
    # Once: the page now sends the bound worker straight on.
    assert identity(client, open_course, name="别人").url == open_course.url

    assert enrol(client, open_course).status_code == 302
    finish(person, open_course)
    record = TrainingRecord.objects.get(person=person)
    assert record.kind == "online" and target in record.targets.all()

    # Later a key enterprise imports its roster with this person as a team leader.
    enterprise = EnterpriseFactory(is_key=True)
    other = PersonFactory(id_number=id_number(6), name="赵敏")
    rows = [
        RosterRow(2, "刘洋", NUMBER, "13700000005", "一线班组长", "一车间"),
        RosterRow(3, "赵敏", id_number(6), "", "班组长", "二车间"),
    ]
    result = roster_import(enterprise=enterprise, rows=rows, mode="add")
    assert not result.rejected
    assert Person.objects.filter(id_number_hash=person.id_number_hash).count() == 1
    assert person.roster_entries.get().enterprise == enterprise

    figures = enterprises_with_coverage(
        target=target, enterprises=Enterprise.objects.filter(pk=enterprise.pk)
    ).get()
    assert (figures.required, figures.covered) == (2, 1)
    assert drift_find(target).total == 0  # maintained == recount
    assert not TrainingRecord.objects.filter(person=other).exists()


def test_an_existing_person_is_bound_not_duplicated(client, open_course):
    known = PersonFactory(id_number=NUMBER, name="刘洋")
    user = UserFactory()
    client.force_login(user)
    assert identity(client, open_course).url == open_course.url
    known.refresh_from_db()
    assert known.user == user
    assert Person.objects.count() == 1


def test_the_number_of_someone_else_with_another_name_is_refused_without_saying_who(
    client, open_course
):
    known = PersonFactory(id_number=NUMBER, name="刘洋")
    client.force_login(UserFactory())
    response = identity(client, open_course, name="王强")
    assert response.status_code == 200
    assert "姓名和身份证号未能通过核验" in response.text
    assert "刘洋" not in response.text and known.id_number_masked not in response.text
    assert Person.objects.count() == 1
    known.refresh_from_db()
    assert known.user is None


def test_a_wrong_id_number_creates_nobody(client, open_course):
    client.force_login(UserFactory())
    response = identity(client, open_course, number=NUMBER[:10] + "13" + NUMBER[12:])
    assert response.status_code == 200
    assert "form__errors" in response.text
    assert not Person.objects.exists()


def test_a_number_already_bound_to_another_account_is_refused(client, open_course):
    client.force_login(UserFactory())
    identity(client, open_course)
    client.force_login(UserFactory())
    response = identity(client, open_course)
    assert "该身份已关联其他账号" in response.text
    assert Person.objects.count() == 1


def test_a_course_that_is_not_open_creates_nobody_and_stays_closed(client, open_course):
    closed = course_build(title="班组长专题培训", lessons=1, questions=0)
    assert client.get(reverse("courses:course_identity", args=[closed.pk])).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("courses:course_identity", args=[closed.pk])).status_code == 404
    # Unbound: the ordinary identity page, which binds only people already known.
    response = enrol(client, closed)
    assert response.url.startswith(reverse("coverage:identity_bind"))
    page = client.post(response.url, {"name": "刘洋", "id_number": NUMBER})
    assert "姓名和身份证号未能通过核验" in page.text
    assert not Person.objects.exists()

    # Bound through the open course, on no roster and without assignment: still closed.
    identity(client, open_course)
    person = Person.objects.get()
    page = client.get(closed.url)
    assert 'data-testid="enrolment-closed"' in page.text
    assert enrol(client, closed).url == closed.url
    assert not Enrolment.objects.filter(person=person, course=closed).exists()
    # The open course is open to them.
    enrol(client, open_course)
    assert Enrolment.objects.filter(person=person, course=open_course).exists()


def test_a_worker_on_a_roster_still_enrols_in_other_courses(client):
    closed = course_build(title="班组长专题培训", lessons=1, questions=0)
    user = UserFactory()
    RosterEntryFactory(person=PersonFactory(user=user))
    client.force_login(user)
    assert 'data-testid="enrolment-closed"' not in client.get(closed.url).text
    enrol(client, closed)
    assert Enrolment.objects.filter(person=user.person, course=closed).exists()
