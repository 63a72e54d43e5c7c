"""One designation's fields checked, as the web form and each row of an imported file give
them (text), with every problem said in Chinese so that the regulator can fix it."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.identifiers import clean_credit_code
from coverage.models import Enterprise, Industry, KeyDesignation, Region

# The file's headers (and the form's field names' labels in problems): Chinese in every
# interface language, as the roster and accident templates keep theirs.
COLUMN_LABELS = {
    "region": "地区代码",
    "year": "年份",
    "kind": "类别",
    "industry": "行业",
    "credit_codes": "统一社会信用代码",
    "project_name": "项目名称",
    "reason": "研判理由",
}
KIND_LABELS = {
    KeyDesignation.Kind.INDUSTRY: "重点行业",
    KeyDesignation.Kind.ENTERPRISE: "重点企业",
    KeyDesignation.Kind.PROJECT: "重点项目",
}
_KIND_WORDS = {
    **{label: kind for kind, label in KIND_LABELS.items()},
    **{label.removeprefix("重点"): kind for kind, label in KIND_LABELS.items()},
    **{str(kind): kind for kind in KIND_LABELS},
}
_CODE_SEPARATORS = re.compile(r"[\s,，、;；/]+")
EARLIEST_YEAR = 2021
REASON_MAX = 2000


@dataclass
class DesignationSpec:
    region: Region
    year: int
    kind: str
    reason: str
    industry: Industry | None = None
    enterprises: list[Enterprise] = field(default_factory=list)
    project_name: str = ""

    @property
    def lookup(self) -> dict:
        """The fields that identify the designation (the database's unique constraints)."""
        lookup = {"region": self.region, "year": self.year, "kind": self.kind}
        if self.kind == KeyDesignation.Kind.INDUSTRY:
            lookup["industry"] = self.industry
        elif self.kind == KeyDesignation.Kind.ENTERPRISE:
            lookup["enterprise"] = self.enterprises[0]
        else:
            lookup["project_name"] = self.project_name
        return lookup

    @property
    def key(self) -> tuple:
        """What the designation names: one row per region, year and subject."""
        subject = {
            KeyDesignation.Kind.INDUSTRY: self.industry.pk if self.industry else None,
            KeyDesignation.Kind.ENTERPRISE: self.enterprises[0].pk if self.enterprises else None,
            KeyDesignation.Kind.PROJECT: self.project_name,
        }[self.kind]
        return (self.region.pk, self.year, self.kind, subject)


def credit_codes_split(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").upper()
    return [code for code in _CODE_SEPARATORS.split(text) if code]


class DesignationChecker:
    """Checks designations for the regions the user may write (`regions`, by code); the
    enterprises named are looked up once for all rows (`enterprises_load`)."""

    def __init__(self, regions: dict[str, Region]):
        self.regions = regions
        self.names: dict[str, list[Region]] = {}
        for region in regions.values():
            self.names.setdefault(region.name, []).append(region)
        self.industries: dict[str, Industry] = {}
        for industry in Industry.objects.all():
            self.industries[industry.code.lower()] = industry
            self.industries[industry.name] = industry
        self.enterprises: dict[str, Enterprise] = {}
        self.last_year = timezone.localdate().year + 1

    def enterprises_load(self, codes: set[str]) -> None:
        found = Enterprise.objects.filter(credit_code__in=codes).select_related("region")
        self.enterprises.update({enterprise.credit_code: enterprise for enterprise in found})

    def check(
        self, cells: dict[str, str], *, region: Region | None = None
    ) -> tuple[DesignationSpec | None, list[tuple[str, str]]]:
        """The designation, or None and the (field, message) problems. `region` fixes the
        designating region (the web form's page) instead of the region cell."""
        problems: list[tuple[str, str]] = []

        def problem(name: str, message: str) -> None:
            problems.append((name, message))

        region = region or self._region(cells.get("region", ""), problem)
        year = self._year(cells.get("year", ""), problem)
        kind = self._kind(cells.get("kind", ""), problem)
        reason = (cells.get("reason") or "").strip()
        if not reason:
            problem("reason", _("Write the reason: what the analysis (研判) found."))
        elif len(reason) > REASON_MAX:
            problem(
                "reason",
                _("The reason is %(length)s characters long; shorten it to %(max)s.")
                % {"length": len(reason), "max": REASON_MAX},
            )
        spec = DesignationSpec(region=region, year=year, kind=kind, reason=reason)
        industry_text = (cells.get("industry") or "").strip()
        codes = credit_codes_split(cells.get("credit_codes", ""))
        project_name = (cells.get("project_name") or "").strip()
        if kind == KeyDesignation.Kind.INDUSTRY:
            spec.industry = self._industry(industry_text, problem)
            self._empty(codes or project_name, "credit_codes" if codes else "project_name", problem)
        elif kind == KeyDesignation.Kind.ENTERPRISE:
            if len(codes) > 1:
                problem(
                    "credit_codes",
                    _(
                        "A key enterprise row names one enterprise; put the others on rows "
                        "of their own."
                    ),
                )
            spec.enterprises = self._enterprises(codes[:1], region, problem)
            self._empty(
                industry_text or project_name,
                "industry" if industry_text else "project_name",
                problem,
            )
        elif kind == KeyDesignation.Kind.PROJECT:
            if not project_name:
                problem("project_name", _("Write the project's name."))
            elif len(project_name) > 120:
                problem("project_name", _("The project's name is longer than 120 characters."))
            spec.project_name = project_name
            spec.enterprises = self._enterprises(codes, region, problem)
            self._empty(industry_text, "industry", problem)
        if problems or region is None:
            return None, problems
        return spec, problems

    def _empty(self, value, name: str, problem) -> None:
        if value:
            problem(name, _("Leave this empty for this kind of designation."))

    def _region(self, text: str, problem) -> Region | None:
        text = unicodedata.normalize("NFKC", text).strip()
        if not text:
            problem("region", _("Fill in the designating region's code, such as 220100."))
            return None
        region = self.regions.get(text)
        if region is None and len(self.names.get(text, [])) == 1:
            region = self.names[text][0]
        if region is None:
            problem(
                "region",
                _(
                    "“%(value)s” is not your region or a region below it: you can designate "
                    "only for your own region and the regions below it."
                )
                % {"value": text},
            )
        return region

    def _year(self, text: str, problem) -> int | None:
        text = unicodedata.normalize("NFKC", str(text)).strip().removesuffix("年")
        if text.isascii() and text.isdigit() and EARLIEST_YEAR <= int(text) <= self.last_year:
            return int(text)
        problem(
            "year",
            _("“%(value)s” is not a year from %(first)s to %(last)s, such as 2026.")
            % {"value": text, "first": EARLIEST_YEAR, "last": self.last_year},
        )
        return None

    def _kind(self, text: str, problem) -> str | None:
        kind = _KIND_WORDS.get(unicodedata.normalize("NFKC", str(text)).strip().lower())
        if kind is None:
            problem(
                "kind",
                _("“%(value)s” is not a kind of designation; write 重点行业, 重点企业 or 重点项目.")
                % {"value": text},
            )
        return kind

    def _industry(self, text: str, problem) -> Industry | None:
        industry = self.industries.get(text) or self.industries.get(text.lower())
        if industry is None:
            choices = "、".join(sorted({i.name for i in self.industries.values()}))
            problem(
                "industry",
                _("“%(value)s” is not an industry; write one of: %(choices)s.")
                % {"value": text, "choices": choices},
            )
        return industry

    def _enterprises(self, codes: list[str], region: Region | None, problem) -> list[Enterprise]:
        if not codes:
            problem("credit_codes", _("Fill in the enterprise's unified social credit code."))
            return []
        missing = {code for code in codes if code not in self.enterprises}
        if missing:
            self.enterprises_load(missing)
        found = []
        for code in codes:
            enterprise = self.enterprises.get(code)
            if enterprise is None:
                try:
                    clean_credit_code(code)
                except ValidationError:
                    message = _(
                        "“%(value)s” is not a valid unified social credit code (18 characters)."
                    )
                else:
                    message = _("No enterprise has the credit code %(value)s on the platform.")
                problem("credit_codes", message % {"value": code})
            elif enterprise.kind != Enterprise.Kind.ENTERPRISE:
                problem(
                    "credit_codes",
                    _(
                        "%(name)s is a school or training institution, not an enterprise: "
                        "it cannot be key."
                    )
                    % {"name": enterprise.name},
                )
            elif region is not None and not enterprise.region.path.startswith(region.path):
                problem(
                    "credit_codes",
                    _("%(name)s (%(value)s) is in %(place)s, outside %(region)s.")
                    % {
                        "name": enterprise.name,
                        "value": code,
                        "place": enterprise.region.name,
                        "region": region.name,
                    },
                )
            else:
                found.append(enterprise)
        return found
