from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from coverage.counts.recount import drift_repair


class Command(BaseCommand):
    help = (
        "Compare the maintained coverage (covered people, per-enterprise counts) with a full "
        "recount from rosters and records; rebuild every target that drifted. Run it after "
        "writing coverage tables by hand or by SQL (beat runs it nightly)."
    )

    def handle(self, *args, **options):
        drifted = 0
        for drift in drift_repair():
            if drift.total:
                drifted += 1
                self.stdout.write(
                    _(
                        "%(target)s: drifted (covered people %(missing)s missing, %(extra)s "
                        "extra; counts %(counts_missing)s missing, %(counts_extra)s extra), "
                        "rebuilt."
                    )
                    % {
                        "target": drift.target.code,
                        "missing": drift.covered_missing,
                        "extra": drift.covered_extra,
                        "counts_missing": drift.counts_missing,
                        "counts_extra": drift.counts_extra,
                    }
                )
            else:
                self.stdout.write(_("%(target)s: exact.") % {"target": drift.target.code})
        if drifted:
            self.stderr.write(_("%(count)s target(s) rebuilt.") % {"count": drifted})
