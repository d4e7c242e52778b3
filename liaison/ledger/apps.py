from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "liaison.ledger"
    verbose_name = "Ledger (event logs)"
