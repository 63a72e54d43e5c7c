from django import template

from reports.layout import shown

register = template.Library()


@register.filter
def report_cell(value) -> str:
    """A report cell as the PDF shows it: a dash for no figure, 是/否 for yes and no."""
    return shown(value)
