from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

from demo.installers.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_install
from demo.installers.assignments import demo_assignments_install
from demo.installers.courses import demo_courses_install
from demo.installers.coverage import (
    DEMO_WORKER_ID,
    DEMO_WORKER_NAME,
    demo_coverage_install,
    demo_people_install,
    demo_sessions_install,
)
from demo.installers.frequency import demo_frequency_install
from demo.installers.history import demo_history_install
from demo.installers.ledger import demo_ledger_install
from demo.installers.projects import demo_projects_install
from demo.installers.publicity import publicity_demo_install
from demo.installers.reminders import demo_reminders_install
from demo.installers.reports import demo_reports_install


class Command(BaseCommand):
    help = "Load the Chinese demo data: regions, organisations, sign-ins, courses, publicity."

    @transaction.atomic
    def handle(self, *args, **options):
        demo_coverage_install()
        demo_people_install()
        demo_sessions_install()
        demo_history_install()
        demo_frequency_install()
        demo_ledger_install()
        demo_accounts_install()
        publicity_demo_install()
        demo_courses_install(home=Site.objects.get(is_default_site=True).root_page)
        demo_assignments_install()
        demo_reminders_install()
        demo_reports_install()
        demo_projects_install()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write("Demo sign-ins (SMS codes are printed in this terminal):")
        for spec in DEMO_ACCOUNTS:
            line = f"  {spec.role:<17} {spec.name}  phone {spec.phone}"
            if spec.email:
                line += f"  or {spec.email} / {DEMO_PASSWORD}"
            self.stdout.write(line)
        self.stdout.write(
            f"  The worker confirms identity at the first check-in as {DEMO_WORKER_NAME} / "
            f"{DEMO_WORKER_ID}; the session running now is under /coverage/sessions/ "
            "(sign in as the enterprise administrator to show its QR code; past sessions "
            "are under the 已结束 tab)."
        )
