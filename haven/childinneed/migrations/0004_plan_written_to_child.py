from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("childinneed", "0003_plan_content"),
    ]

    operations = [
        migrations.AddField(
            model_name="cinplan",
            name="written_to_child",
            field=models.BooleanField(default=False, verbose_name="Written to the child"),
        ),
    ]
