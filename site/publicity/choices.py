"""The publicity pages' fixed choices, apart from the models: the filter forms use them too,
and the models' listings use the forms (publicity.listings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    OCCUPATIONAL_DISEASE = "occupational_disease", _("Occupational disease prevention")
    SAFETY_PRODUCTION = "safety_production", _("Safety in production")
    TRAFFIC = "traffic", _("Traffic accident prevention")
    CARDIOVASCULAR = "cardiovascular", _("Cardio-cerebrovascular disease prevention")
    INSURANCE_POLICY = "insurance_policy", _("Work-injury insurance policy")


class AccidentType(models.TextChoices):
    """The categories of GB 6441 most seen in the key industries, plus disease and commuting."""

    STRUCK_BY_OBJECT = "struck_by_object", _("Struck by an object")
    VEHICLE = "vehicle", _("Vehicle injury")
    MACHINERY = "machinery", _("Machinery injury")
    LIFTING = "lifting", _("Lifting injury")
    ELECTRIC_SHOCK = "electric_shock", _("Electric shock")
    FALL_FROM_HEIGHT = "fall_from_height", _("Fall from height")
    COLLAPSE = "collapse", _("Collapse")
    POISONING = "poisoning", _("Poisoning or asphyxiation")
    FIRE_EXPLOSION = "fire_explosion", _("Fire or explosion")
    OCCUPATIONAL_DISEASE = "occupational_disease", _("Occupational disease")
    COMMUTING_TRAFFIC = "commuting_traffic", _("Traffic accident on the way to or from work")
    OTHER = "other", _("Other")


class FilingStatus(models.TextChoices):
    NOT_FILED = "not_filed", _("Not filed")
    PENDING = "pending", _("Filing under review")
    FILED = "filed", _("Filed")
