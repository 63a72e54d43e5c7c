import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coverage.models import AuditLog, Region
from coverage.services import audit_log
from reports.pdf import report_pdf
from reports.selectors import report_find
from reports.snapshot import report_shown
from reports.xlsx import report_xlsx

PDF, XLSX, JSON = "pdf", "xlsx", "json"


class Command(BaseCommand):
    help = (
        "A region's annual implementation report for a year as PDF, xlsx or JSON: a submitted "
        "report as it was frozen, else today's figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, metavar="CODE", help="e.g. 220100")
        parser.add_argument("--year", required=True, type=int, metavar="YYYY")
        parser.add_argument("--format", required=True, choices=[PDF, XLSX, JSON])
        parser.add_argument(
            "--output", metavar="FILE", help="Write to this file (JSON: default standard output)."
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options):
        fmt, output, year = options["format"], options["output"], options["year"]
        if fmt != JSON and not output:
            raise CommandError(
                _("%(format)s is a binary format: write it to a file with --output.")
                % {"format": fmt}
            )
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(_("No region has the code %(code)s.") % {"code": options["region"]})
        figures, _frozen = report_shown(
            region=region, year=year, report=report_find(region=region, year=year)
        )
        if fmt == JSON:
            content = json.dumps(figures, ensure_ascii=False, indent=2).encode() + b"\n"
        else:
            make = report_pdf if fmt == PDF else report_xlsx
            content = make(
                figures=figures,
                generated_by="manage.py annual_report",
                generated_on=timezone.localdate().isoformat(),
            )
        audit_log(
            user=None,
            action=AuditLog.Action.EXPORT,
            subject=f"annual_report {region.code} {year} ({fmt})",
        )
        if not output:
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s.")
                % {"file": output, "reason": error.strerror or error}
            ) from error
        self.stdout.write(
            _("Wrote the annual report of %(region)s, %(year)s to %(file)s.")
            % {"region": region.name, "year": year, "file": output}
        )
