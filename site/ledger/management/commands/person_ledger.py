"""`person_ledger --id-number ID [--year YYYY] --json`: one person's ledger, found by the keyed
hash of the ID number (nobody is decrypted); exit 1 when there is no such person."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from courses.certificates.selectors import name_mask
from ledger.lines.selectors import ledger_lines, ledger_rows, ledger_totals, person_by_id_number


class Command(BaseCommand):
    help = "Print one person's study-hours ledger (一人一档)."

    def add_arguments(self, parser):
        parser.add_argument("--id-number", required=True)
        parser.add_argument("--year", type=int)
        parser.add_argument("--json", action="store_true", help="Print JSON (the stable format).")

    def handle(self, *args, id_number: str, year: int | None, json: bool, **options):
        person = person_by_id_number(id_number=id_number)
        if person is None:
            raise CommandError("No person with this ID number.", returncode=1)
        period = (
            {"start": datetime.date(year, 1, 1), "end": datetime.date(year, 12, 31)} if year else {}
        )
        lines = ledger_rows(ledger_lines(person=person, **period))
        total = ledger_totals(person=person, **period).hours
        if json:
            self.stdout.write(_dumps(person, total, lines))
            return
        self.stdout.write(f"{person.name} {person.id_number_masked}: {total}")
        for line in lines:
            self.stdout.write(
                f"{line['date']}  {line['hours']:>6}  {line['kind']}  {line['title']}  "
                f"({line['source']})"
            )


def _dumps(person, total, lines) -> str:
    return json.dumps(
        {
            "person": {"name_masked": name_mask(person.name), "id_masked": person.id_number_masked},
            "total_hours": float(total),
            "lines": [{**line, "hours": float(line["hours"])} for line in lines],
        },
        ensure_ascii=False,
    )
