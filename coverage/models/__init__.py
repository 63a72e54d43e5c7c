from coverage.models.accidents import AccidentFigures
from coverage.models.audit import AuditLog
from coverage.models.counts import CoveredPerson, EnterpriseCoverage
from coverage.models.designations import KeyDesignation
from coverage.models.integrity import IntegritySignal
from coverage.models.organisations import (
    Department,
    DepartmentScope,
    Enterprise,
    Industry,
    Membership,
    Region,
)
from coverage.models.people import Person, PersonalCode, Role, RosterEntry, RosterImport
from coverage.models.sessions import Attendance, AttendanceChange, TrainingSession
from coverage.models.training import TrainingFrequency, TrainingRecord, TrainingTarget

__all__ = [
    "AccidentFigures",
    "Attendance",
    "AttendanceChange",
    "AuditLog",
    "CoveredPerson",
    "Department",
    "DepartmentScope",
    "Enterprise",
    "EnterpriseCoverage",
    "Industry",
    "IntegritySignal",
    "KeyDesignation",
    "Membership",
    "Person",
    "PersonalCode",
    "Region",
    "Role",
    "RosterEntry",
    "RosterImport",
    "TrainingFrequency",
    "TrainingRecord",
    "TrainingSession",
    "TrainingTarget",
]
