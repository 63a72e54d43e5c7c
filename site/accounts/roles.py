"""What a signed-in user is, for navigation: read once per request, lazily."""

from dataclasses import dataclass, field

from coverage.jurisdiction import memberships_of
from coverage.models import Membership


@dataclass
class Roles:
    regulated_regions: list = field(default_factory=list)
    administered: list = field(default_factory=list)
    is_editor: bool = False

    @property
    def is_regulator(self) -> bool:
        return bool(self.regulated_regions)


def user_roles(user) -> Roles:
    if not user.is_authenticated:
        return Roles()
    roles = Roles(is_editor=user.has_perm("wagtailadmin.access_admin"))
    for membership in memberships_of(user):
        if membership.role == Membership.Role.REGULATOR:
            roles.regulated_regions.append(membership)
        else:
            roles.administered.append(membership)
    return roles
