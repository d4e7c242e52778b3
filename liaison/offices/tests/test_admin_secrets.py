"""No admin page shows a secret: not a TOTP device's key (nor its otpauth URI), not a
side's sealed signing key, not an account's password hash (nor Django's summary of it).
The test walks every registered model's list page and the change page of each of its
objects, as the operator, and the account pages' password form."""

from __future__ import annotations

import base64

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.signing import keys
from liaison.signing.models import KeySecret
from liaison.testing import OPERATOR, T0

pytestmark = pytest.mark.django_db


def _secrets(device: TOTPDevice) -> dict[str, str]:
    found = {
        "the TOTP key": device.key,
        "the TOTP key in base32": base64.b32encode(device.bin_key).decode().rstrip("="),
    }
    for secret in KeySecret.objects.all():
        sealed = bytes(secret.sealed)
        found[f"sealed key {secret.fingerprint[:8]} (hex)"] = sealed.hex()
        found[f"sealed key {secret.fingerprint[:8]} (base64)"] = base64.b64encode(sealed).decode()
        found[f"sealed key {secret.fingerprint[:8]} (bytes)"] = repr(sealed)[2:40]
    for user in get_user_model().objects.all():
        *_parts, digest = user.password.split("$")
        found[f"{user.username}'s password hash"] = user.password
        # Django's summary shows the first characters of the hash, masking the rest.
        found[f"{user.username}'s hash, summarised"] = digest[:6]
    return found


def _pages(client: Client) -> list[str]:
    paths = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        for pk in model_admin.get_queryset(client.request().wsgi_request).values_list(
            "pk", flat=True
        )[:50]:
            paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]))
    for user in get_user_model().objects.all():
        paths.append(reverse("admin:auth_user_password_change", args=[user.pk]))
        paths.append(reverse("admin:auth_user_history", args=[user.pk]))
    return paths


def test_no_admin_page_shows_a_secret(world):
    device = TOTPDevice.objects.create(
        user=world.south_head.user, name="Authenticator app", confirmed=True
    )
    keys.ensure_keys(world.office, T0)
    assert KeySecret.objects.exists()
    operator = Client()
    operator.force_login(get_user_model().objects.get(username=OPERATOR))
    secrets = _secrets(device)
    pages = _pages(operator)
    shown = []
    for path in pages:
        response = operator.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        shown += [f"{what} on {path}" for what, value in secrets.items() if value in text]
    assert shown == []
    # The walk did reach the pages that would show them.
    assert reverse("admin:otp_totp_totpdevice_change", args=[device.pk]) in pages
    assert any("/admin/signing/keysecret/" in path for path in pages)
    assert reverse("admin:auth_user_change", args=[world.south_head.user_id]) in pages
