from django.db import migrations

from liaison.ledger.append_only import AppendOnly


class Migration(migrations.Migration):
    """A signed checkpoint, a cosignature and a refusal are evidence: never changed."""

    dependencies = [
        ("signing", "0001_signing"),
        ("ledger", "0002_append_only"),
    ]

    operations = [
        AppendOnly("signing_checkpoint"),
        AppendOnly("signing_cosignature"),
        AppendOnly("signing_refusal"),
    ]
