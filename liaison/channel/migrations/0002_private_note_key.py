"""Private notes get a random key, shown instead of their sequential primary key."""

import secrets

from django.db import migrations, models

import liaison.channel.models


def give_keys(apps, schema_editor):
    PrivateNote = apps.get_model("channel", "PrivateNote")
    for note in PrivateNote.objects.filter(key__isnull=True).only("pk"):
        note.key = secrets.token_urlsafe(16)
        note.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [("channel", "0001_channel")]

    operations = [
        migrations.AddField(
            model_name="privatenote",
            name="key",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="privatenote",
            name="key",
            field=models.CharField(
                default=liaison.channel.models.new_note_key,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
