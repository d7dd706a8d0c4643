"""Missing episodes (any child: looked after or not) and the return home interviews after them.

A child is missing (M) or away without authorisation (A) from one moment to another; the clock
that follows (a return home interview offered within 72 hours) counts hours, not working days,
so the episode keeps times, and the SSDA903 Missing table takes their dates.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from haven.core.models import VersionedModel
from haven.missing import codes

# A return home interview is offered within this long of the child's return (statutory
# guidance 2014): hours on the clock, weekends included.
RHI_OFFER_WITHIN = datetime.timedelta(hours=72)


class MissingEpisode(VersionedModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="missing_episodes"
    )
    kind = models.CharField("Missing or away", max_length=1, choices=codes.MissingKind.choices)
    started_at = models.DateTimeField("Went missing")
    ended_at = models.DateTimeField("Returned or found", null=True, blank=True)
    # A span for the exclusion constraint: one child is never in two episodes at once. An
    # episode still open runs to infinity.
    span = models.GeneratedField(
        expression=Func(F("started_at"), F("ended_at"), models.Value("[)"), function="tstzrange"),
        output_field=DateTimeRangeField(),
        db_persist=True,
    )
    last_seen = models.CharField("Where last seen", max_length=200, blank=True)
    reported_to_police_at = models.DateTimeField("Reported to the police", null=True, blank=True)
    police_reference = models.CharField("Police reference", max_length=40, blank=True)
    risk = models.CharField(
        "Police risk grading", max_length=10, choices=codes.PoliceRisk.choices, blank=True
    )
    where_found = models.CharField("Where found", max_length=200, blank=True)
    found_by = models.CharField(
        "Who found them", max_length=20, choices=codes.FoundBy.choices, blank=True
    )
    # A child placed here by another council: that council is told of every episode.
    placing_council = models.CharField("Placing council", max_length=120, blank=True)
    placing_council_notified_at = models.DateTimeField(
        "Placing council told", null=True, blank=True
    )
    # The team holding the child's case when the episode was recorded (the figures' lists).
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="missing_episode_ends_after_start",
            ),
            ExclusionConstraint(
                name="missing_episode_no_overlap",
                expressions=[("person", RangeOperators.EQUAL), ("span", RangeOperators.OVERLAPS)],
            ),
            models.CheckConstraint(
                condition=Q(placing_council_notified_at__isnull=True) | ~Q(placing_council=""),
                name="missing_episode_notified_council_named",
            ),
        ]
        indexes = [models.Index(fields=["started_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_at:%Y-%m-%d %H:%M} ({self.person_id})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def interview_due_at(self) -> datetime.datetime | None:
        """When a return home interview must have been offered by: 72 hours after the return
        (hours elapsed, weekends included; across a clock change the wall clock moves by one)."""
        if self.ended_at is None:
            return None
        # In UTC: Python adds to a London time on the wall clock, not in hours elapsed.
        return self.ended_at.astimezone(datetime.UTC) + RHI_OFFER_WITHIN

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.ended_at is None:
            return None
        return self.ended_at.astimezone(datetime.UTC) - self.started_at.astimezone(datetime.UTC)

    @property
    def duration_text(self) -> str:
        """How long the child was away, as people say it: "45 minutes", "6 hours", "3 days"."""
        span = self.duration
        if span is None:
            return ""
        minutes = int(span.total_seconds() // 60)
        if minutes < 60:
            return f"{minutes} minute{'' if minutes == 1 else 's'}"
        hours = minutes // 60
        if hours < 48:
            return f"{hours} hour{'' if hours == 1 else 's'}"
        return f"{hours // 24} days"

    def interview_offered_in_time(self, interview: ReturnInterview | None) -> bool | None:
        """Whether ``interview`` (this episode's) was offered within 72 hours; None if none."""
        due = self.interview_due_at
        if interview is None or due is None:
            return None
        return interview.offered_at <= due


class ReturnInterview(VersionedModel):
    """The return home interview after one episode: offered (by when), by someone independent
    of the case, accepted or declined, and what it found."""

    episode = models.OneToOneField(
        MissingEpisode, on_delete=models.PROTECT, related_name="return_interview"
    )
    # Denormalised from the episode so that a merge moves it and the audit trail names the child.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="return_interviews"
    )
    offered_at = models.DateTimeField("Offered")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="return_interviews",
    )
    # Someone outside Haven (a commissioned service) may hold the interview.
    interviewer_name = models.CharField("Interviewer", max_length=120, blank=True)
    accepted = models.BooleanField("Accepted", null=True, blank=True)
    declined_reason = models.CharField("Why declined", max_length=300, blank=True)
    completed_at = models.DateTimeField("Held", null=True, blank=True)
    push_factors = models.TextField("Push factors (what made them leave)", blank=True)
    pull_factors = models.TextField("Pull factors (what drew them away)", blank=True)
    where_they_were = models.TextField("Where they were", blank=True)
    who_with = models.TextField("Who they were with", blank=True)
    indicators = ArrayField(
        models.CharField(max_length=30, choices=codes.ExploitationIndicator.choices),
        default=list,
        blank=True,
        verbose_name="Exploitation indicators",
    )
    findings = models.TextField("What the interview found", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=F("offered_at")),
                name="return_interview_held_after_offer",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(accepted=True),
                name="return_interview_held_only_if_accepted",
            ),
            models.CheckConstraint(
                condition=Q(interviewer__isnull=False) | ~Q(interviewer_name=""),
                name="return_interview_has_interviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"Return home interview for episode {self.episode_id}"

    @property
    def indicator_labels(self) -> list[str]:
        labels = dict(codes.ExploitationIndicator.choices)
        return [str(labels.get(code, code)) for code in self.indicators]

    @property
    def found_exploitation(self) -> bool:
        return bool(self.indicators)


class RepeatMissingDiscussion(VersionedModel):
    """A strategy discussion held because a child went missing again and again (the setting's
    count of episodes in its days). Kept here, not as a ``protection.StrategyDiscussion``: that
    one belongs to a referral and is counted in the CIN census and Annex A list 5, and most of
    these children are looked after or open on a plan, with no new referral."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="repeat_missing_discussions"
    )
    held_on = models.DateField("Held on")
    agencies = models.TextField("Agencies taking part")
    participants = models.TextField("Who took part", blank=True)
    decision = models.TextField("Decision and actions")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_person_field = "person"

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Repeat missing strategy discussion on {self.held_on} ({self.person_id})"
