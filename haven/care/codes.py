"""The SSDA903 codes a period of care is recorded in (DfE children looked after return), with the
words people read. Each list is the current collection year's; codes a year no longer accepts
are kept so older records still read, and are listed in ``RETIRED`` with the year they went."""

from __future__ import annotations

import datetime

from django.db import models


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    V2 = "V2", "Single period of accommodation under section 20"
    V3 = (
        "V3",
        "Accommodated under an agreed series of short-term breaks, when individual episodes of care are recorded",
    )
    V4 = (
        "V4",
        "Accommodated under an agreed series of short-term breaks, when agreements are recorded",
    )
    L1 = "L1", "Under police protection and in local authority accommodation"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Under child assessment order and in local authority accommodation"
    J1 = "J1", "Remanded to local authority accommodation or youth detention accommodation"
    J2 = "J2", "Placed in local authority accommodation under PACE"
    J3 = (
        "J3",
        "Sentenced to a youth rehabilitation order with residence or intensive fostering requirement",
    )


# Short breaks: looked after in law, but not counted among children looked after at a date.
SHORT_BREAKS = frozenset({LegalStatus.V3, LegalStatus.V4})


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class ReasonNewEpisode(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer"
    T = "T", "Change of placement, same carer"
    B = "B", "Change of legal status and placement and carer at the same time"
    U = "U", "Change of legal status and placement, same carer"


class PlacementType(models.TextChoices):
    A3 = "A3", "Placed for adoption with consent with current foster carer"
    A4 = "A4", "Placed for adoption with consent, not with current foster carer"
    A5 = "A5", "Placed for adoption with placement order with current foster carer"
    A6 = "A6", "Placed for adoption with placement order, not with current foster carer"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home"
    K3 = "K3", "Supported accommodation (16 and over)"
    P1 = "P1", "Placed with own parent or other person with parental responsibility"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS, health trust or other establishment providing medical or nursing care"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution or prison"
    S1 = "S1", "Residential school"
    T0 = "T0", "Temporary placement (all types)"
    T1 = "T1", "Temporary periods in hospital"
    T2 = "T2", "Temporary absences of the child on holiday"
    T3 = "T3", "Temporary accommodation whilst the normal foster carer is on holiday"
    T4 = "T4", "Temporary accommodation of seven days or less"
    U1 = "U1", "Foster placement with relative or friend: long-term fostering"
    U2 = (
        "U2",
        "Foster placement with relative or friend who is also an approved adopter: fostering for adoption or concurrent planning",
    )
    U3 = "U3", "Foster placement with relative or friend: not long-term or fostering for adoption"
    U4 = "U4", "Foster placement with other foster carer: long-term fostering"
    U5 = (
        "U5",
        "Foster placement with other foster carer who is also an approved adopter: fostering for adoption or concurrent planning",
    )
    U6 = "U6", "Foster placement with other foster carer: not long-term or fostering for adoption"
    Z11 = "Z11", "Other placement (Z11)"
    Z12 = "Z12", "Other placement (Z12)"
    Z13 = "Z13", "Other placement (Z13)"
    Z14 = "Z14", "Other placement (Z14)"
    # Retired codes, kept so older placements still read.
    P2 = "P2", "Independent living (retired October 2023)"
    H5 = "H5", "Semi-independent living (retired 2025)"
    Z1 = "Z1", "Other placement (retired 2025)"


# The collection year (ending 31 March) from which a code may no longer be used for a placement
# that starts then.
RETIRED: dict[str, int] = {"P2": 2024, "H5": 2025, "Z1": 2026}
# The collection year from which a code may be used.
INTRODUCED: dict[str, int] = {"K3": 2025, "Z11": 2026, "Z12": 2026, "Z13": 2026, "Z14": 2026}

FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
CONNECTED_PERSON_PLACEMENTS = frozenset({"U1", "U2", "U3"})
LONG_TERM_FOSTERING = frozenset({"U1", "U4"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
RESIDENTIAL_PLACEMENTS = frozenset({"K1", "K2", "R1", "S1"})
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
OTHER_PLACEMENTS = frozenset({"Z11", "Z12", "Z13", "Z14", "Z1"})
PLACED_WITH_PARENTS = frozenset({"P1"})
# No URN (Ofsted unique reference number) is allowed for these placement types.
NO_URN = frozenset({"P1", "P3", "R1", "R2", "R5"}) | TEMPORARY_PLACEMENTS | OTHER_PLACEMENTS
# An Ofsted URN (or XXXXXXX, not registered with Ofsted) is needed for every other placement
# (DfE rule 218), from the 2015/16 return on; the retired H5 and P2 never needed one.
URN_OPTIONAL = NO_URN | {"H5", "P2"}
URN_REQUIRED_FROM = datetime.date(2015, 4, 1)
# Supported accommodation is registered with Ofsted from 28 October 2023: an H5 placement from
# then has the provider's URN, not XXXXXXX (DfE rule 230).
SUPPORTED_REGISTERED_FROM = datetime.date(2023, 10, 28)
# No provider is recorded for these.
NO_PROVIDER = TEMPORARY_PLACEMENTS | OTHER_PLACEMENTS


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "Parents or other person with parental responsibility"
    PR1 = "PR1", "Own provision (by the council)"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision (for example a primary care trust)"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary or third sector provision"


class ReasonPlaceChange(models.TextChoices):
    CARPL = "CARPL", "Change to, or implementation of, the care plan"
    CLOSE = "CLOSE", "Carer resigned or the setting closed"
    PLACE = "PLACE", "Change in the status of the placement only"
    ALLEG = "ALLEG", "Allegation (section 47 enquiry)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Carer's approval removed"
    CREQB = "CREQB", "Carer's request: the child's behaviour"
    CREQO = "CREQO", "Carer's request: other reasons"
    CHILD = "CHILD", "The child's request"
    LAREQ = "LAREQ", "Responsible or area authority's request"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"


class ReasonEpisodeCeased(models.TextChoices):
    """Why an episode (and, but for X1, the period of care) ended."""

    X1 = "X1", "Episode ceases, and a new one begins on the same day"
    E11 = "E11", "Adopted: application unopposed"
    E12 = "E12", "Adopted: consent dispensed with by the court"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority in the UK"
    E41 = "E41", "Residence order or child arrangements order granted"
    E45 = "E45", "Special guardianship order: former foster carers who are relatives or friends"
    E46 = "E46", "Special guardianship order: former foster carers, other than relatives or friends"
    E47 = (
        "E47",
        "Special guardianship order: carers other than former foster carers, relatives or friends",
    )
    E48 = "E48", "Special guardianship order: other carers"
    E4A = "E4A", "Returned home to live with parents or relatives: planned"
    E4B = "E4B", "Returned home to live with parents or relatives: unplanned"
    E13 = "E13", "Left care to live with parents or relatives without parental responsibility"
    E5 = "E5", "Moved into independent living with supportive accommodation"
    E6 = "E6", "Moved into independent living without formalised support"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E9 = "E9", "Sentenced to custody"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment found the child to be 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 and over and remained with current carers (staying put)"
    E8 = "E8", "Period of being looked after ceased for any other reason"


# The reasons a period of care ends with (X1 only ends an episode inside a period).
PERIOD_END_REASONS = [c for c in ReasonEpisodeCeased.choices if c[0] != "X1"]


class Participation(models.TextChoices):
    """How the child took part in their review (REVIEW_CODE)."""

    PN0 = "PN0", "Child aged under 4 at the time of the review"
    PN1 = "PN1", "Child physically attends and speaks for themselves"
    PN2 = "PN2", "Child physically attends and an advocate speaks on their behalf"
    PN3 = "PN3", "Child attends and conveys their views symbolically (non-verbally)"
    PN4 = "PN4", "Child physically attends but does not speak for themselves or convey their views"
    PN5 = "PN5", "Child does not attend but briefs an advocate to speak for them"
    PN6 = "PN6", "Child does not attend but conveys their feelings to the review by another method"
    PN7 = "PN7", "Child does not attend nor are their views conveyed to the review"


class PermanencePlan(models.TextChoices):
    RETURN_HOME = "return_home", "Return home to parents"
    ADOPTION = "adoption", "Adoption"
    SGO_CAO = "sgo_cao", "Special guardianship or child arrangements order"
    LONG_TERM_FOSTERING = "long_term_fostering", "Long-term fostering"
    RESIDENTIAL = "residential", "Residential care"
    SUPPORTED_LIVING = "supported_living", "Supported or independent living"
    OTHER = "other", "Other"


class PreviousPermanence(models.TextChoices):
    """The permanence order the child had before this period of care (PREV_PERM)."""

    P1 = "P1", "Adoption"
    P2 = "P2", "Special guardianship order"
    P3 = "P3", "Residence order or child arrangements order"
    P4 = "P4", "Previous permanence order: which is not known"
    Z1 = "Z1", "None: the child had no previous permanence order"


# The previous permanence orders that need the council and date of the order (LA_PERM, DATE_PERM).
PREVIOUS_ORDERS = frozenset({"P1", "P2", "P3"})


class SDQReason(models.TextChoices):
    SDQ1 = "SDQ1", "No form returned as the child was aged under 4 or over 17"
    SDQ2 = "SDQ2", "Carer refused to complete and return the questionnaire"
    SDQ3 = "SDQ3", "Not possible because of the severity of the child's disability"
    SDQ4 = "SDQ4", "Other"
    SDQ5 = "SDQ5", "Child or young person refused to allow a questionnaire to be completed"


class AdoptionReversal(models.TextChoices):
    """Why a plan for adoption was reversed or a placement for adoption ceased (RD1-RD4)."""

    RD1 = "RD1", "The child's needs changed after the decision"
    RD2 = "RD2", "The court did not make a placement order"
    RD3 = "RD3", "Prospective adopters could not be found"
    RD4 = "RD4", "Any other reason"
