import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from coverage.audit.exports import CSV, XLSX, table_bytes
from coverage.dashboards.report import coverage_report, coverage_report_table
from coverage.models import AuditLog, Region, TrainingTarget
from coverage.selectors import target_current
from coverage.services import audit_log

JSON = "json"


class Command(BaseCommand):
    help = (
        "Coverage of the three key roles in a region's key enterprises against a training "
        "target, as JSON, CSV or xlsx (the basis of the annual implementation report)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--target",
            metavar="CODE",
            help="Training target code (default: the target whose period contains today, "
            "else the latest one).",
        )
        parser.add_argument(
            "--region",
            metavar="CODE",
            help="Region code, e.g. 220100 (default: the whole province).",
        )
        parser.add_argument("--format", required=True, choices=[JSON, CSV, XLSX])
        parser.add_argument(
            "--output", metavar="FILE", help="Write to this file instead of standard output."
        )

    def handle(self, *args, **options):
        fmt, output = options["format"], options["output"]
        if fmt == XLSX and not output:
            raise CommandError(
                _("xlsx is a binary format: write it to a file with --output report.xlsx.")
            )
        target = self.target(options["target"])
        region = self.region(options["region"])
        report = coverage_report(target=target, region=region)

        if fmt == JSON:
            content = json.dumps(report, ensure_ascii=False, indent=2).encode() + b"\n"
        else:
            headers, rows = coverage_report_table(report)
            content = table_bytes(headers=headers, rows=rows, fmt=fmt)
        if output:
            try:
                Path(output).write_bytes(content)
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(reason)s.")
                    % {"file": output, "reason": error.strerror or error}
                ) from error
        else:
            # The byte-order mark is for Excel opening a file, not for a pipe or a terminal.
            self.stdout.write(content.decode("utf-8").removeprefix("\ufeff"), ending="")

        audit_log(
            user=None,
            action=AuditLog.Action.EXPORT,
            subject=f"coverage_report {target.code} {report['region']['code'] or ''} ({fmt})",
            rows=len(report["enterprises"]),
        )
        if output:
            self.stdout.write(
                _("Wrote the coverage report of %(count)d key enterprises to %(file)s.")
                % {"count": len(report["enterprises"]), "file": output}
            )

    def target(self, code: str | None) -> TrainingTarget:
        if code is None:
            target = target_current()
            if target is None:
                raise CommandError(
                    _("No training target is defined yet; add one in the admin first.")
                )
            return target
        target = TrainingTarget.objects.filter(code=code).first()
        if target is None:
            known = ", ".join(TrainingTarget.objects.values_list("code", flat=True)) or "—"
            raise CommandError(
                _("No training target has the code “%(code)s”. Known targets: %(known)s.")
                % {"code": code, "known": known}
            )
        return target

    def region(self, code: str | None) -> Region | None:
        if code is None:
            return None
        region = Region.objects.filter(code=code.strip()).first()
        if region is None:
            raise CommandError(
                _(
                    "No region has the code “%(code)s”. Use a GB/T 2260 code such as 220100 or "
                    "220102, or leave --region out for the whole province."
                )
                % {"code": code}
            )
        return region
