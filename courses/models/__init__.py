from courses.models.certificates import Certificate
from courses.models.exams import Choice, ExamAttempt, Question
from courses.models.learning import (
    CourseAssignment,
    Enrolment,
    LessonProgress,
    PlaybackEvent,
    PlaybackLease,
    VideoProgress,
)
from courses.models.pages import CourseIndexPage, CoursePage, LessonPage

__all__ = [
    "Certificate",
    "Choice",
    "CourseAssignment",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "ExamAttempt",
    "LessonPage",
    "LessonProgress",
    "PlaybackEvent",
    "PlaybackLease",
    "Question",
    "VideoProgress",
]
