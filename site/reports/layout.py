"""The report's figures laid out as sections of facts, tables and paragraphs: the one layout
the page, the PDF and the xlsx all draw, so the three never disagree on what the report says.

Cells hold numbers as numbers (the xlsx keeps them numeric) and None for "no figure"; each
renderer shows None as a dash.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

NONE_SHOWN = "—"


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list]
    empty: str = ""


@dataclass
class Section:
    title: str
    facts: list[tuple[str, object]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[tuple[str, str]] = field(default_factory=list)


def shown(value) -> str:
    """A cell as text: a dash for no figure, booleans as 是/否."""
    if value is None or value == "":
        return NONE_SHOWN
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def report_title(figures: dict) -> str:
    return _("%(region)s: implementation report of work-injury prevention, %(year)s") % {
        "region": figures["region"]["name"],
        "year": figures["year"],
    }


def _coverage_headers(first: str) -> list[str]:
    return [
        first,
        _("Key-role people"),
        _("Trained"),
        _("Coverage (%)"),
        _("Last year (%)"),
        _("Change (points)"),
    ]


def _coverage_row(label: str, row: dict) -> list:
    return [
        label,
        row["required"],
        row["covered"],
        row["percent"],
        row["last_year_percent"],
        row["change"],
    ]


def _coverage(figures: dict) -> Section:
    section = Section(_("Training coverage of the three key groups"))
    coverage = figures["coverage"]
    if coverage is None:
        section.facts.append((_("Training target"), _("No training target is set up yet.")))
        return section
    last = coverage["last_year"]
    source = (
        _("last year's submitted report")
        if last["source"] == "snapshot"
        else _("counted as of %(day)s from training dates") % {"day": last.get("as_of")}
    )
    section.facts += [
        (
            _("Training target"),
            f"{figures['target']['name']} ({figures['target']['start']} – "
            f"{figures['target']['end']})",
        ),
        (_("Key-role people"), coverage["required"]),
        (_("Trained"), coverage["covered"]),
        (_("Coverage (%)"), coverage["percent"]),
        (_("Last year (%)"), last["percent"]),
        (_("Change (points)"), coverage["change"]),
        (_("Last year's figure"), source),
        (_("Key enterprises"), coverage["key_enterprises"]),
        (_("Key enterprises at 100%"), coverage["complete_enterprises"]),
        (_("Roster missing"), coverage["roster_missing"]),
    ]
    section.tables += [
        Table(
            _("By role"),
            _coverage_headers(_("Role")),
            [_coverage_row(row["label"], row) for row in coverage["by_role"].values()],
        ),
        Table(
            _("By industry"),
            _coverage_headers(_("Industry")),
            [
                _coverage_row(row["name"] or _("No industry"), row)
                for row in coverage["by_industry"]
            ],
            _("No key-role people yet."),
        ),
    ]
    if coverage["by_subregion"]:
        section.tables.append(
            Table(
                _("By sub-region"),
                [*_coverage_headers(_("Region")), _("Enterprises at 100%"), _("Roster missing")],
                [
                    [
                        *_coverage_row(row["name"], row),
                        f"{row['complete_enterprises']} / {row['key_enterprises']}",
                        row["roster_missing"],
                    ]
                    for row in coverage["by_subregion"]
                ],
            )
        )
    return section


def _forecast(figures: dict) -> Section:
    forecast = figures["forecast"]
    section = Section(_("Forecast"))
    section.facts += [
        (_("Deadline"), forecast.get("deadline")),
        (_("At this pace by the deadline (%)"), forecast["percent_at_deadline"]),
        (_("Everyone covered on"), forecast["date_full"] or _("not at this pace")),
    ]
    if forecast.get("subregions_at_risk"):
        section.tables.append(
            Table(
                _("Sub-regions that will miss the deadline at their pace"),
                [_("Region"), _("At this pace by the deadline (%)")],
                [
                    [row["name"], row["percent_at_deadline"]]
                    for row in forecast["subregions_at_risk"]
                ],
            )
        )
    return section


def _roster_missing(figures: dict) -> Section:
    rows = figures["roster_missing"]
    section = Section(_("Key enterprises without a roster of key-role people"))
    section.facts.append((_("Enterprises"), len(rows)))
    section.facts.append(
        (_("of which with nobody on the roster"), sum(1 for r in rows if not r["active_entries"]))
    )
    section.tables.append(
        Table(
            "",
            [
                _("Unified social credit code"),
                _("Enterprise"),
                _("Region"),
                _("Industry"),
                _("People on the roster"),
            ],
            [
                [r["credit_code"], r["name"], r["region"], r["industry"], r["active_entries"]]
                for r in rows
            ],
            _("Every key enterprise has key-role people on its roster."),
        )
    )
    return section


def _training(figures: dict) -> Section:
    sessions, online, schools = figures["sessions"], figures["online"], figures["schools"]
    section = Section(_("Training delivered in the year"))
    section.facts += [
        (_("Offline sessions held"), sessions["sessions"]),
        (_("of which with attendance verified"), sessions["verified_sessions"]),
        (_("Verified attendances"), sessions["verified_attendances"]),
        (_("People attending (verified)"), sessions["people"]),
        (_("Person-hours attended"), sessions["person_hours"]),
        (_("Online courses completed"), online["completions"]),
        (_("People completing online courses"), online["people"]),
        (_("Online study hours"), online["hours"]),
        (_("Technical schools"), schools["schools"]),
        (_("Schools offering the course"), schools["offering"]),
        (_("Students"), schools["students"]),
        (_("Students who completed the course"), schools["completed"]),
        (_("Completion (%)"), schools["percent"]),
    ]
    if schools["list"]:
        section.tables.append(
            Table(
                _("Technical schools' work-injury prevention course"),
                [
                    _("School"),
                    _("Region"),
                    _("Offers the course"),
                    _("Students"),
                    _("Completed"),
                    _("Completion (%)"),
                ],
                [
                    [
                        s["name"],
                        s["region"],
                        s["offers"],
                        s["students"],
                        s["completed"],
                        s["percent"],
                    ]
                    for s in schools["list"]
                ],
            )
        )
    return section


def _publicity(figures: dict) -> Section:
    campaigns, bases = figures["campaigns"], figures["bases"]
    section = Section(_("Publicity and warning education"))
    section.tables.append(
        Table(
            _("Publicity campaigns per key industry"),
            [_("Industry"), _("Campaigns")],
            [[row["name"], row["campaigns"]] for row in campaigns["industries"]],
        )
    )
    section.facts += [
        (_("Key industries without a campaign"), "、".join(campaigns["lacking"]) or None),
        (_("Cities with a filed warning-education base"), "、".join(bases["cities_with"]) or None),
        (_("Cities lacking one"), "、".join(bases["cities_without"]) or None),
        (_("Counties with a filed base"), len(bases["counties_with"])),
        (_("Counties lacking one"), "、".join(bases["counties_without"]) or None),
    ]
    return section


def _accidents(figures: dict) -> Section:
    accidents = figures["accidents"]
    section = Section(_("Accident statistics"))
    section.facts.append((_("Base year"), accidents["base_year"]))
    rate_headers = [
        _("Work-injury determinations"),
        _("Deaths"),
        _("Occupational-disease cases"),
        _("Insured workers"),
        _("Incidence per 1,000 insured"),
        _("Change on the year before (%)"),
        _("Change since the base year (%)"),
    ]

    def cells(row: dict) -> list:
        return [
            row["injuries"],
            row["deaths"],
            row["occupational_diseases"],
            row["insured"],
            row["incidence"],
            row["yearly_change"],
            row["cumulative_change"],
        ]

    section.tables.append(
        Table(
            _("All industries by year"),
            [_("Year"), *rate_headers],
            [[row["year"], *cells(row)] for row in accidents["total"]],
            _("No accident figures have been imported for this region yet."),
        )
    )
    if accidents["industries"]:
        section.tables.append(
            Table(
                _("By industry, %(year)s") % {"year": accidents["latest_year"]},
                [_("Industry"), *rate_headers],
                [[row["name"], *cells(row)] for row in accidents["industries"]],
            )
        )
    return section


def _text(figures: dict) -> Section:
    text = figures["text"]
    return Section(
        _("The region's account"),
        paragraphs=[
            (_("Achievements"), text.get("achievements", "")),
            (_("Problems"), text.get("problems", "")),
            (_("Next year's plan"), text.get("plan", "")),
        ],
    )


def report_header(figures: dict, *, generated_by: str, generated_on: str) -> list[tuple]:
    """Who and what the document is: region, period, date, who generated it, and (once
    submitted) who submitted it when."""
    facts = [
        (_("Region"), f"{figures['region']['name']} ({figures['region']['code']})"),
        (_("Period"), f"{figures['period']['start']} – {figures['period']['end']}"),
        (_("Figures as of"), figures["as_of"]),
        (_("Generated on"), generated_on),
        (_("Generated by"), generated_by),
    ]
    submitted = figures.get("submitted")
    if submitted:
        facts.append(
            (_("Submitted"), _("%(at)s by %(by)s") % {"at": submitted["at"], "by": submitted["by"]})
        )
    else:
        facts.append((_("Submitted"), _("Not yet: a draft with today's figures")))
    return facts


def report_sections(figures: dict) -> list[Section]:
    return [
        _coverage(figures),
        _forecast(figures),
        _roster_missing(figures),
        _training(figures),
        _publicity(figures),
        _accidents(figures),
        _text(figures),
    ]
