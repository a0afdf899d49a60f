"""The database tables, one module per area; importing this package registers them all."""
from .kpi import Indicator, Target, TargetMilestone, UnitGroup, UnitGroupMember
from .plans import ActionItem, Assignment, ItemUnit, Plan, PlanSection
from .units import Unit, UnitAlias

__all__ = [
    "ActionItem", "Assignment", "Indicator", "ItemUnit", "Plan", "PlanSection", "Target",
    "TargetMilestone", "Unit", "UnitAlias", "UnitGroup", "UnitGroupMember",
]
