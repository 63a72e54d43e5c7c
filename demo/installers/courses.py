"""Demo courses in Chinese: one for key-enterprise staff, the technical-school course (R4)."""

import logging
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from wagtail.models import Page

from courses.models import Choice, CourseIndexPage, CoursePage, LessonPage, Question

logger = logging.getLogger(__name__)

KEY_STAFF_QUESTIONS = [
    (
        "single",
        "企业安全生产工作的第一责任人是谁？",
        [("主要负责人", True), ("安全员", False), ("班组长", False), ("全体职工", False)],
        "《安全生产法》规定生产经营单位的主要负责人是本单位安全生产第一责任人。",
    ),
    (
        "single",
        "工伤预防费主要用于下列哪项？",
        [
            ("工伤事故和职业病预防的宣传、培训", True),
            ("发放职工福利", False),
            ("企业设备采购", False),
            ("支付工伤医疗费用", False),
        ],
        "工伤预防费用于工伤事故和职业病预防的宣传、培训等。",
    ),
    (
        "true_false",
        "班组长不属于工伤预防培训的重点对象。",
        [("正确", False), ("错误", True)],
        "分管负责人、安全管理部门主要负责人和一线班组长是三类重点人员。",
    ),
    (
        "multiple",
        "下列哪些属于重点行业？",
        [("危险化学品", True), ("矿山", True), ("建筑施工", True), ("餐饮零售", False)],
        "重点行业包括危险化学品、矿山、建筑施工、交通运输、机械制造等。",
    ),
    (
        "single",
        "高处作业的高度在多少米以上时必须系安全带？",
        [("2米", True), ("5米", False), ("10米", False), ("1米", False)],
        "坠落高度基准面2米以上（含2米）有可能坠落的高处进行的作业为高处作业。",
    ),
    (
        "true_false",
        "发现事故隐患，职工有权立即报告并拒绝违章指挥。",
        [("正确", True), ("错误", False)],
        "从业人员有权拒绝违章指挥和强令冒险作业。",
    ),
    (
        "multiple",
        "发生工伤后，下列做法正确的是？",
        [("立即救治伤员", True), ("保护事故现场", True), ("及时报告", True), ("私了不上报", False)],
        "用人单位应在事故发生之日起30日内提出工伤认定申请。",
    ),
    (
        "single",
        "用人单位应当自事故伤害发生之日起多少日内提出工伤认定申请？",
        [("30日", True), ("60日", False), ("90日", False), ("1年", False)],
        "《工伤保险条例》第十七条。",
    ),
    (
        "true_false",
        "有限空间作业必须坚持“先通风、再检测、后作业”。",
        [("正确", True), ("错误", False)],
        "有限空间作业前必须通风、检测合格后方可进入。",
    ),
    (
        "single",
        "特种作业人员上岗前必须：",
        [
            ("取得特种作业操作证", True),
            ("工作满一年", False),
            ("有本科学历", False),
            ("经班组长口头同意", False),
        ],
        "特种作业人员必须经专门培训考核合格，取得证书后方可上岗。",
    ),
    (
        "multiple",
        "班前会应当包括哪些内容？",
        [
            ("交代当班任务", True),
            ("讲清危险源与防范措施", True),
            ("检查劳动防护用品", True),
            ("布置加班绩效", False),
        ],
        "班前会是一线班组落实安全责任的关键环节。",
    ),
    (
        "true_false",
        "劳动防护用品可以用发放现金代替。",
        [("正确", False), ("错误", True)],
        "用人单位不得以货币或者其他物品替代应当按规定配备的劳动防护用品。",
    ),
]

SCHOOL_QUESTIONS = [
    (
        "single",
        "《安全生产法》规定，从业人员发现直接危及人身安全的紧急情况时：",
        [
            ("有权停止作业或采取应急措施后撤离", True),
            ("必须继续作业", False),
            ("先请示再说", False),
            ("只能等待救援", False),
        ],
        "从业人员享有紧急避险权。",
    ),
    (
        "true_false",
        "实习学生在实习单位受到事故伤害，与学校和单位都无关。",
        [("正确", False), ("错误", True)],
        "学生实习期间，学校和实习单位应依法投保并承担相应责任。",
    ),
    (
        "multiple",
        "职业病危害因素包括：",
        [("粉尘", True), ("噪声", True), ("有毒化学物质", True), ("新鲜空气", False)],
        "《职业病防治法》所列职业病危害因素包括粉尘、放射性物质和其他有毒、有害因素。",
    ),
    (
        "single",
        "职业病防治工作坚持的方针是：",
        [
            ("预防为主、防治结合", True),
            ("治疗为主", False),
            ("谁受伤谁负责", False),
            ("先发展后治理", False),
        ],
        "《职业病防治法》第三条。",
    ),
    (
        "true_false",
        "进入施工现场必须正确佩戴安全帽。",
        [("正确", True), ("错误", False)],
        "安全帽可以减轻坠落物打击和头部碰撞伤害。",
    ),
    (
        "single",
        "使用灭火器扑救初起火灾时，应对准：",
        [("火焰根部", True), ("火焰上方", False), ("烟雾最浓处", False), ("任意位置", False)],
        "对准火焰根部喷射才能有效灭火。",
    ),
    (
        "multiple",
        "触电急救的正确做法有：",
        [
            ("先切断电源", True),
            ("用干燥木棒挑开电线", True),
            ("立即拨打120", True),
            ("直接用手拉触电者", False),
        ],
        "未断电前直接接触触电者会造成施救者触电。",
    ),
    (
        "true_false",
        "工伤保险费由职工个人缴纳。",
        [("正确", False), ("错误", True)],
        "工伤保险费由用人单位缴纳，职工个人不缴纳。",
    ),
    (
        "single",
        "警示教育的主要目的是：",
        [
            ("以案为鉴，增强安全意识", True),
            ("追究个人责任", False),
            ("完成学时任务", False),
            ("展示企业形象", False),
        ],
        "通过真实事故案例警示，使学员从中吸取教训。",
    ),
    (
        "multiple",
        "机械加工实训时应做到：",
        [
            ("穿紧身工作服", True),
            ("长发盘入帽内", True),
            ("戴手套操作旋转设备", False),
            ("按操作规程作业", True),
        ],
        "操作旋转设备严禁戴手套，防止被卷入。",
    ),
]


def _paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def _check(question: str, choices: list[tuple[str, bool]], explanation: str) -> dict:
    return {
        "type": "check_question",
        "value": {
            "question": question,
            "choices": [{"text": text, "correct": correct} for text, correct in choices],
            "explanation": explanation,
        },
    }


def _typical_case() -> Page | None:
    """A live typical case from the publicity site, when the demo has one."""
    return (
        Page.objects.live()
        .filter(content_type__app_label="publicity", content_type__model="casepage")
        .order_by("path")
        .first()
    )


def _case(lead: str) -> list[dict]:
    case = _typical_case()
    return [{"type": "case", "value": {"page": case.pk, "lead": lead}}] if case else []


def demo_video_install(title: str, seconds: int | None = None):
    """A short warning film for the demo lessons, transcoded by the real pipeline."""
    from media.ffmpeg import tools
    from media.models import MediaItem
    from media.services import media_item_transcode

    seconds = seconds or settings.DEMO_VIDEO_SECONDS
    existing = MediaItem.objects.filter(title=title).first()
    if existing and existing.status == MediaItem.Status.READY:
        return existing
    try:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "warning-film.mp4"
            subprocess.run(
                [
                    tools("bundled").ffmpeg,
                    "-hide_banner", "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=duration={seconds}:size=640x360:rate=25",
                    "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", str(source),
                ],
                check=True,
                timeout=300,
            )  # fmt: skip
            with source.open("rb") as content:
                item = existing or MediaItem(title=title, type="video")
                item.file = File(content, name=source.name)
                item.status = MediaItem.Status.QUEUED
                item.save()
        media_item_transcode(item_id=item.pk, run_id="demo")
        item.refresh_from_db()
    except (OSError, subprocess.SubprocessError) as error:
        logger.warning("Demo video not made (%s); the lessons go without it.", error)
        return None
    return item if item.status == MediaItem.Status.READY else None


def _video(item, caption: str) -> list[dict]:
    return [{"type": "video", "value": {"item": item.pk, "caption": caption}}] if item else []


def _questions_install(course: CoursePage, bank: list) -> None:
    if course.questions.exists():
        return
    for kind, text, choices, explanation in bank:
        question = Question(course=course, kind=kind, text=text, explanation=explanation)
        question.choices = [
            Choice(text=choice, is_correct=correct, sort_order=number)
            for number, (choice, correct) in enumerate(choices)
        ]
        question.save()


def _course_install(index, *, slug: str, lessons: list[dict], bank: list, **fields) -> CoursePage:
    course = CoursePage.objects.child_of(index).filter(slug=slug).first()
    if course is None:
        course = index.add_child(instance=CoursePage(slug=slug, **fields))
        course.save_revision().publish()
        for number, lesson in enumerate(lessons, start=1):
            page = course.add_child(instance=LessonPage(slug=f"lesson-{number}", **lesson))
            page.save_revision().publish()
    _questions_install(course, bank)
    return course


def demo_courses_install(home: Page) -> list[CoursePage]:
    """The course index under the home page and the two demo courses; safe to re-run."""
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=CourseIndexPage(
                title="在线课程",
                slug="courses",
                intro="用手机随时学习工伤预防课程，学完并通过考试即可获得电子证书，学时计入培训覆盖。",
            )
        )
        index.save_revision().publish()
    film = demo_video_install("高处坠落事故警示片")

    key_staff = _course_install(
        index,
        slug="key-staff",
        title="重点行业企业三类人员工伤预防培训",
        summary="面向危险化学品、矿山、建筑施工、交通运输、机械制造等重点行业企业的分管负责人、"
        "安全管理部门主要负责人和一线班组长，讲解工伤预防政策、企业主体责任和典型事故教训。",
        audience=CoursePage.Audience.KEY_STAFF,
        target_roles=["manager", "safety_head", "team_leader"],
        credit_hours=4,
        paper_size=5,
        pass_mark=80,
        max_attempts=3,
        retry_wait_minutes=10,
        lessons=[
            {
                "title": "工伤预防政策与企业主体责任",
                "summary": "工伤预防费的用途、企业的主体责任和三类人员的职责。",
                "min_minutes": 1,
                "body": [
                    _paragraph(
                        "<p>工伤预防是工伤保险制度的重要组成部分。按照吉林省工伤预防五年行动计划，"
                        "重点行业企业的分管负责人、安全管理部门主要负责人和一线班组长要全部参加培训。</p>"
                        "<ul><li>主要负责人是安全生产第一责任人；</li><li>安全管理部门负责隐患排查和教育培训；"
                        "</li><li>班组长落实班前会、岗位巡查和现场纠偏。</li></ul>"
                    ),
                    _check(
                        "三类重点人员不包括下列哪一类？",
                        [
                            ("分管安全的负责人", False),
                            ("一线班组长", False),
                            ("企业财务人员", True),
                        ],
                        "三类人员指分管负责人、安全管理部门主要负责人和一线班组长。",
                    ),
                ],
            },
            {
                "title": "警示片：高处坠落",
                "summary": "观看警示片，了解高处坠落的常见原因。",
                "body": [
                    *_video(film, "高处坠落事故警示片"),
                    _paragraph(
                        "<p>高处坠落是建筑施工行业最常见的事故类型。主要原因是未系安全带、"
                        "临边洞口防护缺失、脚手架搭设不规范。</p>"
                    ),
                ],
            },
            {
                "title": "典型案例与隐患排查",
                "summary": "从身边的工伤事故中吸取教训。",
                "min_minutes": 1,
                "body": [
                    _paragraph(
                        "<p>每一起事故背后都有隐患。读下面的案例，想一想：你所在的班组是否存在同样的问题？</p>"
                    ),
                    *_case("这起事故的直接原因是违章作业，间接原因是班前会流于形式。"),
                    _check(
                        "发现事故隐患后，正确的做法是？",
                        [("立即报告并采取措施", True), ("等下班再说", False), ("自己不管", False)],
                        "隐患要及时报告、及时整改，不能拖延。",
                    ),
                ],
            },
        ],
        bank=KEY_STAFF_QUESTIONS,
    )

    school = _course_install(
        index,
        slug="technical-school",
        title="技工院校学生工伤预防课程（必修）",
        summary="技工院校工伤预防必修课：安全生产、职业病防治和工伤预防法律政策，事故预防知识，"
        "警示教育。学生实习、就业前必须完成。",
        audience=CoursePage.Audience.SCHOOL,
        credit_hours=3,
        paper_size=5,
        pass_mark=80,
        max_attempts=3,
        retry_wait_minutes=10,
        lessons=[
            {
                "title": "安全生产、职业病防治和工伤预防法律政策",
                "summary": "《安全生产法》《职业病防治法》《工伤保险条例》要点。",
                "min_minutes": 1,
                "body": [
                    _paragraph(
                        "<p>《安全生产法》明确从业人员享有知情权、建议权、拒绝违章指挥权和紧急避险权。"
                        "《职业病防治法》坚持预防为主、防治结合。《工伤保险条例》规定工伤保险费由用人单位缴纳，"
                        "职工个人不缴纳。</p>"
                    ),
                    _check(
                        "工伤保险费由谁缴纳？",
                        [("用人单位", True), ("职工个人", False), ("学校", False)],
                        "《工伤保险条例》第十条：用人单位应当按时缴纳工伤保险费，职工个人不缴纳。",
                    ),
                ],
            },
            {
                "title": "事故预防知识",
                "summary": "实训和实习中的机械、用电、消防安全。",
                "min_minutes": 1,
                "body": [
                    _paragraph(
                        "<p>实训车间里，操作旋转设备严禁戴手套；长发必须盘入工作帽；"
                        "用电设备要接地，发现有人触电先断电再施救；初起火灾用灭火器对准火焰根部喷射。</p>"
                    ),
                ],
            },
            {
                "title": "警示教育",
                "summary": "观看事故警示片，以案为鉴。",
                "body": [
                    *_video(film, "高处坠落事故警示片"),
                    *_case("一名刚参加工作的青年职工，因为一次侥幸心理付出了沉重代价。"),
                ],
            },
        ],
        bank=SCHOOL_QUESTIONS,
    )
    return [key_staff, school]
