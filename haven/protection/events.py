"""Chronology entries born from child protection and child in need work."""

from __future__ import annotations

from django.db import models


class ProtectionEvent(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    S47 = "s47", "Section 47 enquiry"
    CONFERENCE = "conference", "Child protection conference"
    CP_PLAN = "cp_plan", "Child protection plan"
    CORE_GROUP = "core_group", "Core group"
    VISIT = "visit", "Visit"
    CIN_PLAN = "cin_plan", "Child in need plan"
    CLOSURE = "closure", "Case closure"
