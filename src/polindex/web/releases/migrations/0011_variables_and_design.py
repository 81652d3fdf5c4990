# A build's pipeline variables and uncertainty design, frozen so the release can be rebuilt
# (decision 048). Existing releases get empty values: they keep their checksum and behaviour.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0010_key_findings_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="release",
            name="variables_csv",
            field=models.TextField(
                blank=True,
                help_text="The pipeline's denominators and groups, to rebuild the release.",
            ),
        ),
        migrations.AddField(
            model_name="release",
            name="uncertainty_design",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The uncertainty design whose analysis the release publishes, whole.",
            ),
        ),
    ]
