"""Import a roster file from the command line.

Exit codes: 0 nothing rejected; 1 rows were rejected (the valid ones are still applied
unless --dry-run); 2 the file itself (or the enterprise) cannot be used.
"""

import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from coverage.identifiers import clean_credit_code
from coverage.models import Enterprise, RosterImport
from coverage.rosters.files import RosterFileError, read_roster
from coverage.rosters.services import roster_import, roster_import_commit

EXIT_REJECTED = 1
EXIT_UNUSABLE = 2


class Command(BaseCommand):
    help = "Import an enterprise's roster from an .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--enterprise", required=True, metavar="CREDIT_CODE")
        parser.add_argument(
            "--mode", choices=RosterImport.Mode.values, default=RosterImport.Mode.ADD
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file: Path, enterprise: str, mode: str, **options):
        organisation = self._enterprise(enterprise)
        if not file.is_file():
            raise CommandError(f"{file}: no such file", returncode=EXIT_UNUSABLE)
        try:
            rows = read_roster(file, filename=file.name)
        except RosterFileError as error:
            raise CommandError(f"{file}: {error}", returncode=EXIT_UNUSABLE) from error

        if options["dry_run"]:
            result = roster_import(enterprise=organisation, rows=rows, mode=mode, dry_run=True)
        else:
            # Recorded like an upload, so the import shows in the enterprise's history and
            # its entries point back at the file they came from.
            with file.open("rb") as handle:
                record = RosterImport.objects.create(
                    enterprise=organisation,
                    file=File(handle, name=file.name),
                    filename=file.name,
                    mode=mode,
                    status=RosterImport.Status.COMMITTING,
                )
            result = roster_import_commit(record=record, rows=rows)

        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._summary(result, dry_run=options["dry_run"])
        if result.rejected:
            # BaseCommand.execute has printed; the exit code is the contract for scripts.
            raise SystemExit(EXIT_REJECTED)

    def _enterprise(self, credit_code: str) -> Enterprise:
        try:
            code = clean_credit_code(credit_code)
        except Exception as error:
            raise CommandError(
                f"{credit_code}: not a unified social credit code", returncode=EXIT_UNUSABLE
            ) from error
        organisation = Enterprise.objects.filter(credit_code=code).first()
        if organisation is None:
            raise CommandError(f"{code}: no such enterprise", returncode=EXIT_UNUSABLE)
        return organisation

    def _summary(self, result, *, dry_run: bool) -> None:
        counts = result.counts()  # "rejected" counts rows, whatever their problems
        if dry_run:
            line = _(
                "Dry run, nothing changed: %(created)s would be created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(ended)s ended; %(rejected)s rows rejected."
            )
        else:
            line = _(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(ended)s ended; %(rejected)s rows rejected."
            )
        self.stdout.write(line % counts)
        for note in result.notes:
            self.stdout.write(note)
        for flag in result.flagged:
            self.stdout.write(
                _("Row %(row)s: %(name)s is also %(role)s at %(enterprise)s.")
                % {
                    "row": flag.row,
                    "name": flag.name,
                    "role": flag.role,
                    "enterprise": flag.enterprise,
                }
            )
        for rejection in result.rejected:
            self.stdout.write(
                _("Row %(row)s, %(column)s: %(message)s")
                % {"row": rejection.row, "column": rejection.column, "message": rejection.message}
            )
