"""The exam detector: papers handed in faster than their questions can be read."""

import datetime

from django.db import connection

from courses.integrity.sql import item_question, paper_items, seconds_between, time_param
from courses.models import Choice, ExamAttempt, Question
from coverage.integrity.evidence import local_time, roster_enterprises
from coverage.integrity.found import FoundSignal
from coverage.models import IntegritySignal

# A fast reader of Chinese takes in 500–700 characters a minute; 20 a second (1,200 a minute)
# is beyond skimming, plus a second to tick each answer. Slower than that is only suspicious,
# not impossible, so it is not reported.
READ_CHARACTERS_PER_SECOND = 20
SECONDS_PER_ANSWER = 1


def fast_exam_signals_find(since: datetime.datetime) -> list[FoundSignal]:
    """Exam attempts handed in since `since` in less time than reading their paper (each
    question's text and answers) at READ_CHARACTERS_PER_SECOND allows: one signal per attempt
    and enterprise of the learner."""
    seconds = seconds_between("a.started_at", "a.submitted_at")
    sql = f"""
        WITH paper AS (
            SELECT a.id AS attempt_id, {seconds} AS seconds,
                   LENGTH(q.text) + COALESCE((
                       SELECT SUM(LENGTH(c.text)) FROM {Choice._meta.db_table} c
                       WHERE c.question_id = q.id
                   ), 0) AS characters
            FROM {ExamAttempt._meta.db_table} a {paper_items("a.paper")}
            JOIN {Question._meta.db_table} q ON q.id = {item_question()}
            WHERE a.submitted_at IS NOT NULL AND a.submitted_at >= %s
        )
        SELECT attempt_id, MIN(seconds), COUNT(*), SUM(characters)
        FROM paper GROUP BY attempt_id
        HAVING MIN(seconds) < COUNT(*) * %s + SUM(characters) * 1.0 / %s
        ORDER BY attempt_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [time_param(since), SECONDS_PER_ANSWER, READ_CHARACTERS_PER_SECOND])
        rows = cursor.fetchall()
    if not rows:
        return []
    attempts = ExamAttempt.objects.select_related("enrolment__course").in_bulk(
        [row[0] for row in rows]
    )
    enterprises = roster_enterprises(a.enrolment.person_id for a in attempts.values())
    found = []
    for attempt_id, took, questions, characters in rows:
        attempt = attempts[attempt_id]
        person_id = attempt.enrolment.person_id
        needed = questions * SECONDS_PER_ANSWER + characters / READ_CHARACTERS_PER_SECOND
        evidence = {
            "course": attempt.enrolment.course.title,
            "started": local_time(attempt.started_at),
            "submitted": local_time(attempt.submitted_at),
            "seconds": round(float(took)),
            "questions": questions,
            "characters": int(characters),
            "reading_seconds": round(needed),
            "score": attempt.score,
        }
        found.extend(
            FoundSignal(
                kind=IntegritySignal.Kind.FAST_EXAM,
                subject=f"attempt {attempt_id}",
                enterprise_id=enterprise_id,
                person_id=person_id,
                course_id=attempt.enrolment.course_id,
                evidence=evidence,
            )
            for enterprise_id in enterprises.get(person_id, [])
        )
    return found
