"""PostgreSQL: a GIN index on the two-character pieces (bigrams) of a project's name and
investor, for the searches pg_trgm cannot serve.

Chinese searches are often two characters (电池, 厦门, 芯片); pg_trgm's index takes no
trigram from a two-character pattern, so ``ILIKE '%电池%'`` read every project of the scope.
``baton_bigrams(text)`` returns the distinct lower-cased bigrams of a text; a project
contains a two-character term exactly when the bigrams of ``name || ' ' || investor``
contain it (a bigram across the space has a space in it, and a term never does). The
search (``baton.projects.search``) asks ``baton_bigrams(…) @> ARRAY[term]`` with the very
expression indexed. SQLite is unchanged (its FTS5 trigram table, and LIKE below three
characters).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION baton_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
    FROM generate_series(1, char_length(t) - 1) AS i
$$
"""
INDEX = (
    "CREATE INDEX project_bigrams ON projects_project "
    "USING gin (baton_bigrams(name || ' ' || investor))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS project_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS baton_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_event_kind_attachment")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
