"""A project's evidence pack, for the acceptance panel and the payment:

    python manage.py project_evidence --project CODE --json

prints {"project", "planned": {"people", "hours"}, "delivered": {"people", "hours"},
"flagged": N, "payable": AMOUNT} (hours in person-hours, the amount in yuan). Reads only."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from projects.evidence.selectors import project_evidence
from projects.models import Project


class Command(BaseCommand):
    help = "Print a project's evidence pack: planned and delivered people and hours, payable."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="project code")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        project = Project.objects.filter(code=options["project"]).first()
        if project is None:
            raise CommandError(
                _("No project with the code %(code)s.") % {"code": options["project"]}
            )
        evidence = project_evidence(project=project)
        result = {
            "project": project.code,
            "planned": {"people": evidence.planned_people, "hours": float(evidence.planned_hours)},
            "delivered": {"people": evidence.people, "hours": float(evidence.hours)},
            "flagged": evidence.flagged,
            "payable": float(evidence.payable),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"{project.code} planned {evidence.planned_people} people "
            f"{evidence.planned_hours} h; delivered {evidence.people} people {evidence.hours} h; "
            f"flagged {evidence.flagged}; payable {evidence.payable}"
        )
