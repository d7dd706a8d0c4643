"""The DfE code lists of the care leavers' return (SSDA903 OC3) and the pathway plan's areas."""

from __future__ import annotations

from django.db import models


class InTouch(models.TextChoices):
    YES = "YES", "In touch"
    NO = "NO", "Not in touch"
    DIED = "DIED", "Died"
    REFU = "REFU", "Refuses contact"
    NREQ = "NREQ", "No longer requires services"
    RHOM = "RHOM", "Returned home to parents for 6 months or more"


class Activity(models.TextChoices):
    F1 = "F1", "Higher education, full time"
    P1 = "P1", "Higher education, part time"
    F2 = "F2", "Other education, full time"
    P2 = "P2", "Other education, part time"
    F4 = "F4", "Apprenticeship, full time"
    P4 = "P4", "Apprenticeship, part time"
    F5 = "F5", "Training or employment, full time"
    P5 = "P5", "Training or employment, part time"
    G4 = "G4", "Not in education, employment or training: illness or disability"
    G5 = "G5", "Not in education, employment or training: other"
    G6 = "G6", "Not in education, employment or training: pregnancy or parenting"


# In education, employment or training (DfE).
EET = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")


class AccommodationType(models.TextChoices):
    """The letter of the ACCOM code; suitability adds 1 (suitable) or 2 (not suitable)."""

    B = "B", "With parents or relatives"
    C = "C", "Community home or other residential care"
    D = "D", "Semi-independent, transitional accommodation"
    E = "E", "Supported lodgings"
    G = "G", "Gone abroad"
    H = "H", "Deported"
    K = "K", "Ordinary lodgings, without formal support"
    R = "R", "Residence not known"
    S = "S", "No fixed abode or homeless"
    T = "T", "Foyers and similar supported accommodation"
    U = "U", "Independent living"
    V = "V", "Emergency accommodation"
    W = "W", "Bed and breakfast"
    X = "X", "In custody"
    Y = "Y", "Other accommodation"
    Z = "Z", "With former foster carers"


# Never suitable (DfE: S and X only with 2).
NEVER_SUITABLE = ("S", "X")
# Not counted among the care leavers of a year (DfE: gone abroad, deported).
ACCOM_EXCLUDED = ("G", "H")
# Not counted among the care leavers of a year (DfE: died, returned home).
IN_TOUCH_EXCLUDED = ("DIED", "RHOM")


class PlanArea(models.TextChoices):
    ACCOMMODATION = "accommodation", "Where you live"
    EET = "eet", "Education, employment and training"
    HEALTH = "health", "Health and wellbeing"
    MONEY = "money", "Money"
    RELATIONSHIPS = "relationships", "Family and relationships"
    IDENTITY = "identity", "Identity"
    PRACTICAL = "practical", "Practical and life skills"


# The plan's fields, by area, in order.
PLAN_FIELDS = {
    PlanArea.ACCOMMODATION: "accommodation",
    PlanArea.EET: "education_employment",
    PlanArea.HEALTH: "health",
    PlanArea.MONEY: "money",
    PlanArea.RELATIONSHIPS: "relationships",
    PlanArea.IDENTITY: "identity",
    PlanArea.PRACTICAL: "practical_skills",
}
