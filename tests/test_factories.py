"""Every factory builds a row the product's own validation accepts."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.UserFactory,
    factories.RegionFactory,
    factories.IndustryFactory,
    factories.EnterpriseFactory,
    factories.MembershipFactory,
    factories.PersonFactory,
    factories.RosterEntryFactory,
    factories.RosterImportFactory,
    factories.TrainingTargetFactory,
    factories.TrainingRecordFactory,
    factories.TrainingSessionFactory,
    factories.AttendanceFactory,
    factories.JobFactory,
    factories.EnrolmentFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_factory_builds_a_valid_row(factory):
    first, second = factory(), factory()
    exclude = ["password"] if factory is factories.UserFactory else []
    first.full_clean(exclude=exclude)
    assert first.pk != second.pk or factory is factories.IndustryFactory


def test_people_are_saved_like_the_product_saves_them():
    from coverage.identifiers import mask_id_number
    from coverage.services import person_find
    from tests.helpers.identities import id_number

    person = factories.PersonFactory(id_number=id_number(7), phone="13800000007")
    assert person_find(id_number=id_number(7)) == person
    assert person.id_number_masked == mask_id_number(id_number(7))
    assert person.phone_masked.endswith("0007")


def test_a_training_record_counts_toward_the_targets_of_its_date():
    target = factories.target_this_year()
    record = factories.TrainingRecordFactory()
    assert list(record.targets.all()) == [target]


def test_courses_learners_and_enrolments_build():
    course = factories.course_build(lessons=2, questions=3)
    user, person = factories.learner_make()
    enrolment = factories.enrolment_make(course, person)
    assert person.user == user
    assert course.questions.count() == 3
    assert enrolment.person == person


def test_a_certificate_is_earned_the_products_way():
    certificate = factories.certificate_make()
    assert certificate.enrolment.completed_at is not None
    assert certificate.enrolment.training_record is not None
