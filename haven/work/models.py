"""The work store: the manager's view's items of its teams' cases, kept in a table
(``haven.work.store`` says how they are kept current). Nothing here is typed by anyone: every row
is made again from the records, so these tables are not audited (``audited = False``)."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.db.models.functions import Collate


class StoredItem(models.Model):
    """One item a stored provider made for a child's case (``items.register_provider``)."""

    audited = False

    provider = models.CharField(max_length=200)
    # The child whose records made it. Not a constraint: the row is made again when the child's
    # records change (a merge too), and a child with no open case is never read.
    person = models.ForeignKey(
        "people.Person", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.CharField(max_length=100)
    title = models.TextField()
    # A date is kept as the end of its day in London, as the lists sort it (``items.sort_key``).
    due = models.DateTimeField()
    due_is_date = models.BooleanField()
    url = models.TextField()
    owner = models.CharField(max_length=300, blank=True)
    awaiting_authorisation = models.BooleanField(default=False)
    urgent = models.BooleanField(default=False)
    only_overdue = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The lists' order (``store.ordered``): a list's first items read along it.
            models.Index(
                F("urgent").desc(),
                "due",
                Collate("title", "C"),
                "id",
                name="storeditem_in_list_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class ChangedPerson(models.Model):
    """A child whose records changed since the store last made their items: written by the
    database (a trigger on every table that names a person), read and emptied by the store."""

    audited = False

    person_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"person {self.person_id} changed"


class StoreState(models.Model):
    """When the store was last made whole, and from which settings and calendar: one row."""

    audited = False

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    built_on = models.DateField(null=True)
    # Of the settings and the closure days the due dates were worked out with ("" once a
    # worker's name or the calendar changed: the store is made whole at the next read).
    fingerprint = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"work store made {self.built_on}"
