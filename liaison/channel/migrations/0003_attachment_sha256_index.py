"""An index on attachments' hashes: a failed write asks whether any committed message, of
any office, names a file it stored."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("channel", "0002_private_note_key")]

    operations = [
        migrations.AddIndex(
            model_name="attachment",
            index=models.Index(fields=["sha256"], name="attachment_sha256"),
        ),
    ]
