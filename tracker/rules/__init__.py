"""Domain rules as plain functions: no Flask, no SQLAlchemy; "today" and the actor are arguments."""
