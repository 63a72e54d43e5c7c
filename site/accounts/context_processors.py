from django.utils.functional import SimpleLazyObject

from accounts.roles import user_roles


def roles(request):
    return {"roles": SimpleLazyObject(lambda: user_roles(request.user))}
