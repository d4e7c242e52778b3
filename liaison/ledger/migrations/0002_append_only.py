from django.db import migrations

from liaison.ledger.append_only import AppendOnly


class Migration(migrations.Migration):
    """Events are the record: the database refuses to change or remove one."""

    dependencies = [
        ("ledger", "0001_initial"),
    ]

    operations = [
        AppendOnly("ledger_event"),
    ]
