"""Draw a panel for a project from the current pool, or re-run a recorded panel's draw.

    python manage.py expert_panel_draw --project CODE --size N [--seed S] --json
    python manage.py expert_panel_draw --project CODE --panel ID --json   (replay a record)

Nothing is written: the draws that count are made on the project's page and recorded there
(seed and pool snapshot); this command shows what a seed gives, so anyone can check a
record. An even size or one below 3 exits 2."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from projects.experts.selectors import expert_pool_for
from projects.models import Expert, Panel, Project
from projects.panels.draw import DrawRefused, PoolEntry, panel_pick, panel_size_check
from projects.panels.services import DEFAULT_FIELDS, seed_new


class Command(BaseCommand):
    help = "Draw an expert panel for a project (or replay a recorded draw); writes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="project code")
        parser.add_argument("--size", type=int, help="panel size (odd, at least 3)")
        parser.add_argument("--seed", type=int, help="the seed (a fresh one when omitted)")
        parser.add_argument("--panel", type=int, help="replay this recorded panel's draw")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        if options["size"] is not None:
            # Checked before anything is read: a wrong size is the caller's error (exit 2).
            try:
                panel_size_check(options["size"])
            except DrawRefused as refusal:
                raise CommandError(str(refusal), returncode=2) from refusal
        project = (
            Project.objects.select_related("applicant").filter(code=options["project"]).first()
        )
        if project is None:
            raise CommandError(
                _("No project with the code %(code)s.") % {"code": options["project"]}
            )
        if options["panel"] is not None:
            panel = Panel.objects.filter(pk=options["panel"], project=project).first()
            if panel is None:
                raise CommandError(_("The project has no panel %(id)d.") % {"id": options["panel"]})
            pool = [PoolEntry(pk, field) for pk, field in panel.pool]
            excluded, size, seed, fields = panel.excluded, panel.size, panel.seed, panel.fields
        else:
            if options["size"] is None:
                raise CommandError(_("Give --size (or --panel)."), returncode=2)
            size, fields = options["size"], DEFAULT_FIELDS
            seed = options["seed"] if options["seed"] is not None else seed_new()
            pool, excluded = expert_pool_for(project=project)
        try:
            panel_size_check(size)
            chosen = panel_pick(pool=pool, seed=seed, size=size, fields=fields)
        except DrawRefused as refusal:
            raise CommandError(str(refusal), returncode=2) from refusal
        names = dict(
            Expert.objects.filter(pk__in=[e.expert_id for e in chosen]).values_list("pk", "name")
        )
        result = {
            "project": project.code,
            "size": size,
            "seed": seed,
            "pool_size": len(pool),
            "panel": [
                {"expert_id": e.expert_id, "name": names[e.expert_id], "field": e.field}
                for e in chosen
            ],
            "excluded": [{"expert_id": e["expert_id"], "reason": e["reason"]} for e in excluded],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"{project.code} seed={seed} pool={len(pool)}")
        for entry in result["panel"]:
            self.stdout.write(f"  {entry['expert_id']}\t{entry['name']}\t{entry['field']}")
