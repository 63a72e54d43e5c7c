"""Course exams: who may sit a paper, the paper drawn, grading, and completion recorded once."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from courses.exams.services import ExamRefused, exam_answers_save, exam_start, exam_submit
from courses.models import Certificate, ExamAttempt, Question
from courses.services import course_complete_if_done
from coverage.models import TrainingRecord
from tests.factories import (
    UserFactory,
    correct_answers,
    course_build,
    enrolment_make,
    learner_make,
    question_add,
    target_this_year,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return learner_make()


def test_pass_mark_reached_exactly_passes(learner):
    course = course_build(paper_size=5, pass_mark=80)
    attempt = exam_start(enrolment=enrolment_make(course, learner[1]))
    attempt = exam_submit(attempt=attempt, answers=correct_answers(attempt, right=4))
    assert (attempt.score, attempt.passed) == (80, True)


def test_one_below_the_pass_mark_fails_and_the_score_rounds_down(learner):
    course = course_build(paper_size=3, pass_mark=67)
    attempt = exam_start(enrolment=enrolment_make(course, learner[1]))
    attempt = exam_submit(attempt=attempt, answers=correct_answers(attempt, right=2))
    assert (attempt.score, attempt.passed) == (66, False)  # 2/3 = 66.67 % → 66


def test_multiple_choice_is_right_only_with_exactly_the_correct_set(learner):
    course = course_build(questions=0, paper_size=1, pass_mark=100)
    question = question_add(course, kind=Question.Kind.MULTIPLE, correct=(0, 2))
    enrolment = enrolment_make(course, learner[1])
    choices = list(question.choices.order_by("sort_order").values_list("pk", flat=True))
    attempt = exam_submit(
        attempt=exam_start(enrolment=enrolment), answers={question.pk: [choices[0]]}
    )
    assert attempt.score == 0
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=1)
    )
    attempt = exam_submit(
        attempt=exam_start(enrolment=enrolment),
        answers={question.pk: [choices[2], choices[0], 999999]},  # unknown ids are ignored
    )
    assert (attempt.score, attempt.passed) == (100, True)


def test_lessons_not_done_refuse_the_exam(learner):
    course = course_build()
    enrolment = enrolment_make(course, learner[1], lessons_done=False)
    with pytest.raises(ExamRefused) as refusal:
        exam_start(enrolment=enrolment)
    assert refusal.value.code == "lessons"
    assert not ExamAttempt.objects.exists()


def test_empty_question_bank_refuses_with_a_message(learner):
    course = course_build(questions=0)
    with pytest.raises(ExamRefused) as refusal:
        exam_start(enrolment=enrolment_make(course, learner[1]))
    assert refusal.value.code == "empty"


def test_attempt_limit_and_waiting_time(learner):
    course = course_build(max_attempts=2, retry_wait_minutes=30)
    enrolment = enrolment_make(course, learner[1])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = exam_start(enrolment=enrolment)
        exam_submit(attempt=first, answers={})
        with pytest.raises(ExamRefused) as refusal:
            exam_start(enrolment=enrolment)
    assert refusal.value.code == "wait"
    next_at = timezone.localtime(start + datetime.timedelta(minutes=30))
    assert next_at.strftime("%H:%M") in refusal.value.message  # Beijing time

    with (
        time_machine.travel(start + datetime.timedelta(minutes=29), tick=False),
        pytest.raises(ExamRefused),
    ):
        exam_start(enrolment=enrolment)
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        second = exam_start(enrolment=enrolment)
        exam_submit(attempt=second, answers={})
    with (
        time_machine.travel(start + datetime.timedelta(days=2), tick=False),
        pytest.raises(ExamRefused) as refusal,
    ):
        exam_start(enrolment=enrolment)
    assert refusal.value.code == "attempts"
    assert ExamAttempt.objects.filter(enrolment=enrolment).count() == 2


def test_zero_attempts_allowed_means_unlimited(learner):
    course = course_build(max_attempts=0, retry_wait_minutes=0)
    enrolment = enrolment_make(course, learner[1])
    for _ in range(5):
        exam_submit(attempt=exam_start(enrolment=enrolment), answers={})
    assert exam_start(enrolment=enrolment).submitted_at is None


def test_paper_is_drawn_at_random_and_has_the_paper_size(learner):
    course = course_build(questions=40, paper_size=10, max_attempts=0, retry_wait_minutes=0)
    enrolment = enrolment_make(course, learner[1])
    first = exam_start(enrolment=enrolment)
    exam_submit(attempt=first, answers={})
    second = exam_start(enrolment=enrolment)
    drawn = [{item["question"] for item in attempt.paper} for attempt in (first, second)]
    assert [len(questions) for questions in drawn] == [10, 10]
    # Two equal draws of 10 from 40: probability 1 / C(40, 10) ≈ 1.2e-9.
    assert drawn[0] != drawn[1]


def test_paper_size_larger_than_the_bank_takes_the_whole_bank(learner):
    course = course_build(questions=3, paper_size=10)
    attempt = exam_start(enrolment=enrolment_make(course, learner[1]))
    assert len(attempt.paper) == 3


def test_unfinished_attempt_is_resumed_not_redrawn(learner):
    course = course_build(questions=30, paper_size=5)
    enrolment = enrolment_make(course, learner[1])
    first = exam_start(enrolment=enrolment)
    assert exam_start(enrolment=enrolment).pk == first.pk
    assert ExamAttempt.objects.count() == 1


def test_abandoned_attempt_is_graded_on_saved_answers_and_counts(learner):
    course = course_build(paper_size=5, max_attempts=3, retry_wait_minutes=0)
    enrolment = enrolment_make(course, learner[1])
    first = exam_start(enrolment=enrolment)
    assert exam_answers_save(attempt=first, answers=correct_answers(first, right=2))
    later = first.deadline_at + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        assert not exam_answers_save(attempt=first, answers=correct_answers(first))
        second = exam_start(enrolment=enrolment)
    first.refresh_from_db()
    assert second.pk != first.pk
    assert (first.score, first.submitted_at) == (40, first.deadline_at)


def test_late_hand_in_within_the_grace_counts_later_only_saved_answers(learner):
    course = course_build(paper_size=5, max_attempts=0, retry_wait_minutes=0)
    enrolment = enrolment_make(course, learner[1])
    prompt = exam_start(enrolment=enrolment)
    with time_machine.travel(prompt.deadline_at + datetime.timedelta(seconds=50), tick=False):
        assert exam_submit(attempt=prompt, answers=correct_answers(prompt)).score == 100
    ExamAttempt.objects.filter(pk=prompt.pk).update(passed=False)  # to sit another one

    late = exam_start(enrolment=enrolment)
    exam_answers_save(attempt=late, answers=correct_answers(late, right=1))
    with time_machine.travel(late.deadline_at + datetime.timedelta(minutes=10), tick=False):
        late = exam_submit(attempt=late, answers=correct_answers(late))
    assert (late.score, late.submitted_at) == (20, late.deadline_at)


def test_passing_twice_records_one_training_and_one_certificate(learner):
    target = target_this_year()
    course = course_build(paper_size=5)
    enrolment = enrolment_make(course, learner[1])
    attempt = exam_start(enrolment=enrolment)
    answers = correct_answers(attempt)
    exam_submit(attempt=attempt, answers=answers)
    exam_submit(attempt=attempt, answers={})  # a second hand-in changes nothing
    course_complete_if_done(enrolment=enrolment)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (100, True)
    records = TrainingRecord.objects.filter(person=learner[1])
    assert [r.source_key for r in records] == [f"course:{course.pk}"]
    assert list(records[0].targets.all()) == [target]  # counts toward coverage
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    enrolment.refresh_from_db()
    assert enrolment.completed_at and enrolment.training_record == records[0]
    with pytest.raises(ExamRefused) as refusal:
        exam_start(enrolment=enrolment)
    assert refusal.value.code == "passed"


# --- pages ----------------------------------------------------------------------------------


def test_exam_pages_take_a_learner_from_the_rules_to_the_certificate(client, learner):
    user, person = learner
    course = course_build(questions=8, paper_size=4, pass_mark=75)
    enrolment_make(course, person)
    client.force_login(user)

    page = client.get(reverse("courses:exam", args=[course.pk]))
    assert page.status_code == 200
    assert "75 %" in page.text and "3 / 3" in page.text

    response = client.post(reverse("courses:exam_start", args=[course.pk]))
    attempt = ExamAttempt.objects.get()
    assert response.url == reverse("courses:exam_attempt", args=[attempt.pk])
    paper = client.get(response.url)
    assert paper.status_code == 200
    assert paper.text.count('type="radio"') == 4 * 4
    assert "correct" not in paper.text.lower()  # the paper never carries the answers
    for item in attempt.paper:
        assert f'name="q{item["question"]}"' in paper.text

    answers = correct_answers(attempt, right=3)
    # The page posts each answer's place on this paper, not its id.
    shown = {int(item["question"]): item["choices"] for item in attempt.paper}
    form = {
        f"q{question}": [shown[question].index(pk) for pk in chosen]
        for question, chosen in answers.items()
    }
    response = client.post(reverse("courses:exam_attempt", args=[attempt.pk]), form)
    assert response.url == reverse("courses:exam_result", args=[attempt.pk])
    result = client.get(response.url)
    assert "75 %" in result.text
    first = Question.objects.get(pk=attempt.paper[0]["question"])
    assert first.explanation in result.text
    certificate = Certificate.objects.get()
    assert reverse("courses:certificate", args=[certificate.serial]) in result.text

    history = client.get(reverse("courses:exam", args=[course.pk]))
    assert reverse("courses:exam_result", args=[attempt.pk]) in history.text


def test_refusal_is_shown_on_the_exam_page(client, learner):
    user, person = learner
    course = course_build()
    enrolment_make(course, person, lessons_done=False)
    client.force_login(user)
    response = client.post(reverse("courses:exam_start", args=[course.pk]), follow=True)
    assert "请先学完本课程的全部课时" in response.text
    assert not ExamAttempt.objects.exists()


def test_another_learners_attempt_is_not_found(client, learner):
    course = course_build()
    attempt = exam_start(enrolment=enrolment_make(course, learner[1]))
    other, _ = learner_make("李四")
    client.force_login(other)
    for name in ("courses:exam_attempt", "courses:exam_result"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    assert client.post(reverse("courses:exam_save", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("courses:exam_attempt", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_exam_pages_require_sign_in(client):
    course = course_build()
    response = client.get(reverse("courses:exam", args=[course.pk]))
    assert response.status_code == 302 and "login" in response.url


# --- admin ----------------------------------------------------------------------------------


def _question_post(course, kind, correct_flags):
    return nested_form_data(
        {
            "course": course.pk,
            "kind": kind,
            "text": "安全帽的作用是什么？",
            "explanation": "",
            "choices": inline_formset(
                [{"text": f"答案{i}", "is_correct": flag} for i, flag in enumerate(correct_flags)]
            ),
        }
    )


def test_admin_rejects_a_single_choice_question_with_two_correct_answers(client):
    course = course_build(questions=0)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("wagtailsnippets_courses_question:add")
    response = client.post(url, _question_post(course, "single", [True, True, False]))
    assert response.status_code == 200
    assert "请恰好勾选一个正确答案" in response.text
    assert not Question.objects.exists()

    response = client.post(url, _question_post(course, "true_false", [True, False, False]))
    assert not Question.objects.exists()

    response = client.post(url, _question_post(course, "multiple", [True, False, True]))
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.choices.filter(is_correct=True).count() == 2


def test_question_bank_lists_filters_and_searches(client):
    course = course_build(questions=3)
    question = question_add(course, kind=Question.Kind.TRUE_FALSE)
    Question.objects.filter(pk=question.pk).update(text="安全帽必须系紧下颏带。")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("wagtailsnippets_courses_question:list")
    response = client.get(url, {"course": course.pk, "kind": "true_false", "q": "下颏带"})
    assert response.status_code == 200
    assert "安全帽必须系紧下颏带" in response.text
    assert "发生工伤事故后应当怎么做" not in response.text


def test_a_failed_attempt_with_attempts_left_does_not_give_the_answers_away(client, learner):
    user, person = learner
    course = course_build(questions=6, paper_size=6, max_attempts=3)
    Question.objects.filter(course=course).update(explanation="解析：正确答案的理由")
    attempt = exam_start(enrolment=enrolment_make(course, person))
    client.force_login(user)
    wrong = correct_answers(attempt, right=0)
    shown = {int(item["question"]): item["choices"] for item in attempt.paper}
    form = {f"q{q}": [shown[q].index(pk) for pk in chosen] for q, chosen in wrong.items()}
    response = client.post(reverse("courses:exam_attempt", args=[attempt.pk]), form)
    attempt.refresh_from_db()
    assert attempt.passed is False and attempt.score == 0
    result = client.get(response.url).text
    assert "解析：正确答案的理由" not in result
    assert "exam-review__choice--correct" not in result
    # Values on the paper are places, so an answer's id says nothing about its order.
    paper = client.get(reverse("courses:exam", args=[course.pk]))
    assert paper.status_code == 200
