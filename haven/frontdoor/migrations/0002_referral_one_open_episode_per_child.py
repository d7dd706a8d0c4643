from typing import Any

from django.db import migrations, models
from django.db.models import Count


def refuse_if_children_have_two_open_episodes(apps: Any, schema_editor: Any) -> None:
    """Say which children break the rule, rather than PostgreSQL's bare unique violation: a
    person must decide which episode closes, so the migration does not guess."""
    Referral = apps.get_model("frontdoor", "Referral")
    twice = list(
        Referral.objects.filter(closure_date__isnull=True)
        .values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("person_id")
        .values_list("person_id", flat=True)[:50]
    )
    if twice:
        raise RuntimeError(
            "These children have more than one open child in need episode; close all but one "
            f"(a closure date and reason) and migrate again: Haven IDs {twice}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("frontdoor", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refuse_if_children_have_two_open_episodes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.UniqueConstraint(
                condition=models.Q(("closure_date__isnull", True)),
                fields=("person",),
                name="referral_one_open_episode_per_child",
            ),
        ),
    ]
