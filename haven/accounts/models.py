from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    MASH_PRACTITIONER = "mash_practitioner", "MASH practitioner"
    REVIEWING_OFFICER = "reviewing_officer", "Reviewing officer or conference chair"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    AUDITOR = "auditor", "Auditor (read-only)"
    ADMINISTRATOR = "administrator", "Administrator"


class TeamKind(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door (MASH)"
    ASSESSMENT = "assessment", "District assessment"
    CHILD_PROTECTION = "child_protection", "Child protection"
    LOOKED_AFTER = "looked_after", "Children looked after"
    LEAVING_CARE = "leaving_care", "Leaving care"
    EARLY_HELP = "early_help", "Early help"
    REVIEWING = "reviewing", "Reviewing officers"
    PERFORMANCE = "performance", "Performance"
    EXPLOITATION = "exploitation", "Exploitation (specialist)"


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=TeamKind.choices)
    area = models.CharField(max_length=80, blank=True, help_text="District or locality")
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)  # haven.core.versioning

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=120, blank=True)
    teams = models.ManyToManyField(Team, through="Membership", related_name="members")
    # Set by an administrator: the sign-in flow asks for a new password, or a new
    # authenticator app, before anything else.
    must_change_password = models.BooleanField(default=False)
    must_set_up_second_factor = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)  # haven.core.versioning

    audit_ignored_fields = ("last_login",)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    since = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_once_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class SignInAttempt(models.Model):
    """Every sign-in attempt, by the username typed (known or not)."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    succeeded = models.BooleanField()
    ip_address = models.GenericIPAddressField(null=True)

    def __str__(self) -> str:
        return f"{self.username} {'ok' if self.succeeded else 'failed'} at {self.at}"


class Alert(models.Model):
    """Something a user must see, e.g. a manager told that someone used emergency access."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    message = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message
