"""Indexes and text search for scale (issue 3); filled in by the scale work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_default_ladder")]
    operations = []
