"""The database tables, one module per area; importing this package registers them all."""

from .changes import DataStamp
from .emails import OutboxMessage, Setting, SweepRun
from .jobs import ImportJob
from .kpi import Indicator, KpiReport, Target, TargetMilestone, UnitGroup, UnitGroupMember
from .plans import ActionItem, Assignment, ItemUnit, Plan, PlanSection, PlanTarget
from .progress import AssignmentEvent, EvidenceFile, ItemComment
from .sessions import SignIn
from .snapshots import MonthlySnapshot, SnapshotUnit
from .units import CollectiveMapping, CollectiveMappingUnit, Unit, UnitAlias
from .users import ApiToken, LoginAttempt, PasswordResetRequest, PasswordResetToken, User
from .versions import ItemEvent, PlanVersion

__all__ = [
    "ActionItem",
    "ApiToken",
    "Assignment",
    "AssignmentEvent",
    "CollectiveMapping",
    "CollectiveMappingUnit",
    "DataStamp",
    "EvidenceFile",
    "ImportJob",
    "Indicator",
    "ItemComment",
    "ItemEvent",
    "ItemUnit",
    "KpiReport",
    "LoginAttempt",
    "MonthlySnapshot",
    "OutboxMessage",
    "PasswordResetRequest",
    "PasswordResetToken",
    "Plan",
    "PlanSection",
    "PlanTarget",
    "PlanVersion",
    "Setting",
    "SignIn",
    "SnapshotUnit",
    "SweepRun",
    "Target",
    "TargetMilestone",
    "Unit",
    "UnitAlias",
    "UnitGroup",
    "UnitGroupMember",
    "User",
]
