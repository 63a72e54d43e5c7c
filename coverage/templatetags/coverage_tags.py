from django import template

register = template.Library()


@register.simple_tag
def query_with(query, **changes):
    """The current query string with some parameters replaced (filters survive paging)."""
    params = query.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
