"""Code lists shared by missing children and exploitation work.

The exploitation indicators live here, below ``haven.exploitation``, because a return home
interview records them and a screening is prompted by them: one list, so what the interview
found is what the screening starts from.
"""

from __future__ import annotations

from django.db import models


class MissingKind(models.TextChoices):
    """SSDA903 MISSING: the two codes, counted separately."""

    MISSING = "M", "Missing"
    AWAY = "A", "Away without authorisation"


class PoliceRisk(models.TextChoices):
    """The police risk grading of a missing report."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class FoundBy(models.TextChoices):
    RETURNED = "returned", "Came back by themselves"
    POLICE = "police", "Police"
    CARER = "carer", "Carer or family"
    PROFESSIONAL = "professional", "Another professional"
    OTHER = "other", "Someone else"


class ExploitationIndicator(models.TextChoices):
    MISSING = "missing", "Going missing, or away overnight"
    OLDER_ASSOCIATES = "older_associates", "Older associates, or a relationship with an adult"
    MONEY_GIFTS = "money_gifts", "Unexplained money, clothes, phones or gifts"
    SEVERAL_PHONES = "several_phones", "More than one phone, or calls and messages at all hours"
    OUT_OF_AREA = "out_of_area", "Found out of area, or travelling without reason"
    DRUGS = "drugs", "Carrying or dealing drugs, or in debt for them"
    WEAPONS = "weapons", "Carrying a knife or weapon"
    INJURIES = "injuries", "Unexplained injuries"
    SEXUAL_HEALTH = "sexual_health", "Sexual health concerns or pregnancy"
    ONLINE_CONTACT = "online_contact", "Contact online with adults or strangers"
    GANG = "gang", "Gang association, or a new peer group"
    SCHOOL = "school", "Missing school, or excluded"
    BEHAVIOUR = "behaviour", "A sudden change in behaviour or mood"
    EXTREMIST = "extremist", "Extremist views or material"
    ACCOMMODATION = "accommodation", "Staying at hotels or unknown addresses"
    OTHER = "other", "Something else (described in the findings)"
