"""The database tables, one module per area; importing this package registers them all."""
from .emails import OutboxMessage, Setting, SweepRun
from .kpi import Indicator, KpiReport, Target, TargetMilestone, UnitGroup, UnitGroupMember
from .plans import ActionItem, Assignment, ItemUnit, Plan, PlanSection, PlanTarget
from .progress import AssignmentEvent, EvidenceFile, ItemComment
from .units import Unit, UnitAlias
from .users import ApiToken, LoginAttempt, PasswordResetRequest, PasswordResetToken, User

__all__ = [
    "ActionItem", "ApiToken", "Assignment", "AssignmentEvent", "EvidenceFile", "Indicator", "ItemComment", "ItemUnit",
    "KpiReport", "LoginAttempt", "OutboxMessage", "PasswordResetRequest", "PasswordResetToken", "Plan", "PlanSection", "PlanTarget", "Setting", "SweepRun", "Target",
    "TargetMilestone", "Unit", "UnitAlias", "UnitGroup", "UnitGroupMember", "User",
]
