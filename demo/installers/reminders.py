"""Demo reminder rules and a few notices, so the bell in the header shows something.

Runs after demo.installers.coverage and demo.installers.accounts (regions, enterprises, the
demo sign-ins); safe to run again (rules by name, notices by title)."""

import datetime

from django.utils import timezone

from accounts.models import User
from coverage.models import Enterprise, Region
from coverage.selectors import target_current
from reminders.models import Notice, ReminderRule

DEMO_ENTERPRISE = "91220104MA17A00014"


def demo_reminders_install() -> None:
    target = target_current()
    if target is None:
        return
    county, city = Region.objects.get(code="220102"), Region.objects.get(code="220100")
    ReminderRule.objects.get_or_create(
        name="年底前覆盖率低于80%的企业提醒",
        defaults={
            "kind": ReminderRule.Kind.ENTERPRISE_BEHIND,
            "region": city,
            "target": target,
            "threshold_percent": 80,
            "days_before": 90,
            "repeat_days": 30,
            "escalate_after_days": 14,
            "is_active": True,
        },
    )
    ReminderRule.objects.get_or_create(
        name="未完成培训人员短信提醒（草稿）",
        defaults={
            "kind": ReminderRule.Kind.PEOPLE_MISSING,
            "region": county,
            "target": target,
            "threshold_percent": 100,
            "days_before": 60,
            "is_active": False,
        },
    )
    enterprise = Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE).first()
    now = timezone.now()
    notices = [
        (
            "qiye@demo.yufang.cn",
            f"{enterprise.name if enterprise else '本企业'}：培训覆盖率低于80%",
            "重点岗位人员培训覆盖率偏低，请在截止日期前组织未培训人员完成培训。",
            "/coverage/",
        ),
        (
            "nanguan@demo.yufang.cn",
            "升级提醒：辖区内有企业提醒后仍未达标",
            "请在“升级企业”列表中查看并处理。",
            "/reminders/tasks/",
        ),
        (
            "changchun@demo.yufang.cn",
            "提醒规则已启用：年底前覆盖率低于80%的企业提醒",
            "可在提醒规则页预览将发送的通知。",
            "/reminders/rules/",
        ),
    ]
    for offset, (email, title, body, link) in enumerate(notices):
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        Notice.objects.get_or_create(
            user=user,
            title=title,
            defaults={
                "body": body,
                "link": link,
                "created_at": now - datetime.timedelta(hours=offset + 1),
            },
        )
