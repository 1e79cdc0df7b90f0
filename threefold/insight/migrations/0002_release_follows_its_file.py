"""Releases belong to the imported file (organisation + SHA-256) and outlive their dataset row."""

import django.db.models.deletion
from django.db import migrations, models


def copy_file_of_dataset(apps, schema_editor):  # type: ignore[no-untyped-def]
    Release = apps.get_model("insight", "Release")
    for release in Release.objects.select_related("dataset"):
        release.organisation_id = release.dataset.organisation_id
        release.file_sha256 = release.dataset.file_sha256
        release.save(update_fields=["organisation", "file_sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("insight", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="release",
            name="organisation",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
            ),
        ),
        migrations.AddField(
            model_name="release", name="file_sha256", field=models.CharField(default="", max_length=64)
        ),
        migrations.RunPython(copy_file_of_dataset, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="release",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
            ),
        ),
        migrations.AlterField(
            model_name="release", name="file_sha256", field=models.CharField(max_length=64)
        ),
        migrations.AlterField(
            model_name="release",
            name="dataset",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="releases",
                to="insight.dataset",
            ),
        ),
        migrations.AddIndex(
            model_name="release",
            index=models.Index(fields=["organisation", "file_sha256"], name="insight_release_file"),
        ),
    ]
