from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("protection", "0002_plan_content"),
    ]

    operations = [
        migrations.AddField(
            model_name="childprotectionplan",
            name="written_to_child",
            field=models.BooleanField(default=False, verbose_name="Written to the child"),
        ),
    ]
