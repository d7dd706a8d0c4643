"""What Haven keeps for its returns: the identifiers other systems gave a child."""

from __future__ import annotations

from django.db import models


class ExternalIdentifier(models.Model):
    """A child's identifier in another system, kept when their history is imported, so that a
    second import of the same system's files matches the child instead of creating them again.

    Haven's own exports use Haven's identifier (``haven.returns.census.la_child_id``), which is
    stable across years; this mapping says which of the old system's LAchildIDs it replaced.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="external_identifiers"
    )
    # e.g. "cin:850" for LAchildIDs in CIN census files from LA 850.
    system = models.CharField(max_length=40)
    value = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "value"], name="external_id_once")]

    def __str__(self) -> str:
        return f"{self.system} {self.value}"


class ImportedEpisode(models.Model):
    """A CIN episode that came from another system's census files: the newest collection year
    whose file it was read from, so that importing an older year after a newer one keeps the
    newer facts (and importing them in any order gives the same records). An episode with no
    row is Haven's own: a file never overrides it, it only fills what Haven leaves blank."""

    referral = models.OneToOneField(
        "frontdoor.Referral", on_delete=models.CASCADE, related_name="imported_from"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    system = models.CharField(max_length=40)
    collection_year = models.PositiveSmallIntegerField(null=True)

    audit_person_field = "person"

    def __str__(self) -> str:
        return f"{self.system} {self.collection_year}"


class ImportedHistory(models.Model):
    """A child's history from another system's SSDA903 returns: the rows read (for each record,
    the latest year's) and the records Haven made from them through its services. A later
    import of another year merges its rows with these and makes the child's imported records
    again from the whole, so that years imported in any order give the same records; Haven's
    own records (recorded in Haven) are never among them and never replaced."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="imported_903"
    )
    system = models.CharField(max_length=40)
    # [{"table", "year", "file", "line", "values"}]: the rows the records were made from.
    rows = models.JSONField(default=list)
    # {"app_label.model": [ids]}: the records made from them (periods of care, missing
    # episodes, the UASC status, the care leaver's in-touch, activity and accommodation).
    made = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    audit_person_field = "person"

    def __str__(self) -> str:
        return f"{self.system} history of person {self.person_id}"
