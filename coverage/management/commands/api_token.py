from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from coverage.identifiers import mobile_to_e164
from coverage.jurisdiction import regulator_memberships


class Command(BaseCommand):
    help = (
        "Print the data-sharing API token of a regulator (created on first use). The token "
        "sees what the user's regulator memberships cover: their regions and everything below."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--email", help="The regulator's sign-in email address.")
        who.add_argument("--phone", help="The regulator's mobile number, e.g. 13800138000.")
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--rotate", action="store_true", help="Replace the token (the old one stops working)."
        )
        action.add_argument(
            "--revoke", action="store_true", help="Delete the token; print nothing."
        )

    @transaction.atomic
    def handle(self, *args, **options):
        user = self.user(email=options["email"], phone=options["phone"])
        if options["revoke"]:
            deleted, _rows = Token.objects.filter(user=user).delete()
            self.note(
                _("Token of %(user)s revoked.") % {"user": user}
                if deleted
                else _("%(user)s had no token.") % {"user": user},
                options,
            )
            return
        memberships = list(regulator_memberships(user))
        if not memberships:
            raise CommandError(
                _(
                    "%(user)s has no regulator membership, and the API serves regulators only. "
                    "Give the user a regulator role for a region first."
                )
                % {"user": user}
            )
        if options["rotate"]:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        # The key alone goes to standard output, so that a script can capture it.
        self.stdout.write(token.key)
        self.note(
            _("API token of %(user)s, scope: %(regions)s. Send it as the header “%(header)s”.")
            % {
                "user": user,
                "regions": ", ".join(
                    # A department narrows the token as it does the user's pages: say so.
                    f"{m.region.name} ({m.region.code}"
                    + (f" · {m.get_department_display()}" if m.department else "")
                    + ")"
                    for m in memberships
                ),
                "header": "Authorization: Token …",
            },
            options,
        )

    def note(self, message: str, options: dict) -> None:
        # On standard error, so that standard output carries nothing but the key.
        if options["verbosity"] >= 1:
            self.stderr.write(message, style_func=self.style.SUCCESS)

    def user(self, *, email: str | None, phone: str | None):
        users = get_user_model()._default_manager
        if email:
            found = users.filter(email__iexact=email.strip()).first()
            given = email
        else:
            try:
                found = users.filter(phone=mobile_to_e164(phone)).first()
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            given = phone
        if found is None:
            raise CommandError(_("No user signs in with “%(who)s”.") % {"who": given})
        if not found.is_active:
            raise CommandError(_("%(user)s is deactivated.") % {"user": found})
        return found
