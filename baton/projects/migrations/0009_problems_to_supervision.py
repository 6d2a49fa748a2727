"""Problems, 督办 and leaders' acts now belong to the ``supervision`` app.

Their tables stay as they are (``supervision`` 0001 took them over under the same names):
the models leave this app's state only, and the database is not touched.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0008_original_code"),
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Supervision"),
                migrations.DeleteModel(name="Problem"),
                migrations.DeleteModel(name="LeaderAct"),
            ],
        ),
    ]
