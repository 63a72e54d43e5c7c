from projects.models.declarations import (
    BudgetLine,
    PaymentStandard,
    Project,
    ProjectAttachment,
    ProjectEvent,
)
from projects.models.evidence import FlagDecision, ProjectCourse, ProjectSession
from projects.models.experts import Expert, ExpertConflict, ExpertField
from projects.models.panels import Criterion, Panel, PanelMember, PanelScore

__all__ = [
    "BudgetLine",
    "Criterion",
    "Expert",
    "ExpertConflict",
    "ExpertField",
    "FlagDecision",
    "Panel",
    "PanelMember",
    "PanelScore",
    "PaymentStandard",
    "Project",
    "ProjectAttachment",
    "ProjectCourse",
    "ProjectEvent",
    "ProjectSession",
]
