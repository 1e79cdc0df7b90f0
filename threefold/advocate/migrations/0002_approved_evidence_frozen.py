"""Approved evidence never changes, in the database itself (see threefold/advocate/triggers.py)."""

from django.db import migrations

from threefold.advocate import triggers


def forward(apps, schema_editor):
    triggers.install(schema_editor.connection)


def backward(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("advocate", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
