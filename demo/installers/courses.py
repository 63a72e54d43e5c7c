"""Demo courses in Chinese (demo/content/courses.toml, questions in questions.toml): one for
key-enterprise staff, the technical-school course (R4), and the warning film their lessons
play, made by ffmpeg and transcoded by the real media pipeline."""

import logging
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from wagtail.models import Page

from courses.models import Choice, CourseIndexPage, CoursePage, LessonPage, Question
from demo.content import content_load
from media import ffmpeg
from media.models import MediaItem
from media.services import media_item_transcode

logger = logging.getLogger(__name__)


def _typical_case() -> Page | None:
    """A live typical case from the publicity site, when the demo has one."""
    return (
        Page.objects.live()
        .filter(content_type__app_label="publicity", content_type__model="casepage")
        .order_by("path")
        .first()
    )


def _check(block: dict) -> dict:
    return {
        "type": "check_question",
        "value": {
            "question": block["question"],
            "choices": [{"text": text, "correct": correct} for text, correct in block["choices"]],
            "explanation": block["explanation"],
        },
    }


def _body(blocks: list[dict], film: MediaItem | None) -> list[dict]:
    """A lesson's StreamField value from its blocks in courses.toml; a video without the film
    and a case without a typical case are left out."""
    body = []
    for block in blocks:
        if block["type"] == "paragraph":
            body.append({"type": "paragraph", "value": block["html"]})
        elif block["type"] == "check":
            body.append(_check(block))
        elif block["type"] == "video" and film:
            body.append({"type": "video", "value": {"item": film.pk, "caption": block["caption"]}})
        elif block["type"] == "case" and (case := _typical_case()):
            body.append({"type": "case", "value": {"page": case.pk, "lead": block["lead"]}})
    return body


def demo_video_install(title: str, seconds: int | None = None) -> MediaItem | None:
    """A short warning film for the demo lessons, transcoded by the real pipeline."""
    seconds = seconds or settings.DEMO_VIDEO_SECONDS
    existing = MediaItem.objects.filter(title=title).first()
    if existing and existing.status == MediaItem.Status.READY:
        return existing
    try:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "warning-film.mp4"
            ffmpeg.run(
                ffmpeg.sample_command(source, seconds=seconds, tools=ffmpeg.tools("bundled")),
                deadline=time.monotonic() + 300,
            )
            with source.open("rb") as content:
                item = existing or MediaItem(title=title, type="video")
                item.file = File(content, name=source.name)
                item.status = MediaItem.Status.QUEUED
                item.save()
        media_item_transcode(item_id=item.pk, run_id="demo")
        item.refresh_from_db()
    except (OSError, subprocess.SubprocessError, ffmpeg.TranscodeError) as error:
        logger.warning("Demo video not made (%s); the lessons go without it.", error)
        return None
    return item if item.status == MediaItem.Status.READY else None


def _questions_install(course: CoursePage, bank: list[dict]) -> None:
    if course.questions.exists():
        return
    for spec in bank:
        question = Question(
            course=course, kind=spec["kind"], text=spec["text"], explanation=spec["explanation"]
        )
        question.choices = [
            Choice(text=choice, is_correct=correct, sort_order=number)
            for number, (choice, correct) in enumerate(spec["choices"])
        ]
        question.save()


def _course_install(
    index: CourseIndexPage, spec: dict, *, film: MediaItem | None, bank: list[dict]
) -> CoursePage:
    fields = {key: value for key, value in spec.items() if key != "lessons"}
    course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if course is None:
        course = index.add_child(instance=CoursePage(**fields))
        course.save_revision().publish()
        for number, lesson in enumerate(spec["lessons"], start=1):
            page = LessonPage(
                slug=f"lesson-{number}",
                **{key: value for key, value in lesson.items() if key != "body"},
                body=_body(lesson["body"], film),
            )
            course.add_child(instance=page)
            page.save_revision().publish()
    elif course.is_public != fields.get("is_public", False):
        # Demo databases made before open courses existed get the flag on a re-run.
        course.is_public = fields.get("is_public", False)
        course.save_revision().publish()
    _questions_install(course, bank)
    return course


def demo_courses_install(home: Page) -> list[CoursePage]:
    """The course index under the home page and the two demo courses; safe to re-run."""
    content = content_load("courses")
    questions = content_load("questions")
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=CourseIndexPage(**content["index"]))
        index.save_revision().publish()
    film = demo_video_install(content["film"])
    return [
        _course_install(index, spec, film=film, bank=questions[spec["slug"]])
        for spec in content["courses"]
    ]
