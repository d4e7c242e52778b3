"""Sign-in and the Account pages.

Sign-in is in two steps for a user with a confirmed TOTP device: the password page
(``login``) only notes who is on the way in (``PENDING`` in the anonymous session) and
sends them to ``account-login-code``; nobody is signed in (to any office page or the
API) until the code is right. Heads and deputies of any office may turn the second
factor on (``account-2fa``); anyone who has one may turn it off with a current code.

The Account page changes one's password (the current one, then the new one twice: this
session stays, the others end), sets one's language and time zone, says when the
operator set the password, and lists the user's API tokens, each with a button that
revokes it at once.
Re-authentication before grave acts is ``liaison.offices.reauth`` (when the password was
last given) and ``liaison.web.reauth`` (the pages that ask again); its page is here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from liaison.api.commands import PREFIX_LENGTH
from liaison.api.models import ApiToken, own_token_for, revoke_token
from liaison.lib import clock
from liaison.lib.errors import NotAllowed, NotFound, Refused
from liaison.offices import accounts as account_settings
from liaison.offices import reauth
from liaison.offices.commands import SecondFactorCode
from liaison.offices.second_factor import (
    NOT_OFFERED,
    begin_second_factor,
    confirm_second_factor,
    confirmed_devices,
    may_use_second_factor,
    setup_device,
    turn_off_second_factor,
)
from liaison.web.account_forms import (
    CodeForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    ReauthForm,
    RevokeTokenForm,
    SecondFactorForm,
)

logger = logging.getLogger("liaison.access")

PENDING = "liaison_pending_sign_in"
# The code must follow the password within this time, or the password is asked again.
PENDING_MINUTES = 5


def _safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` when it is a page of this site (a path, or a URL on this host), else the
    home page; never a bare word, which ``redirect`` would take for a view's name and
    answer NoReverseMatch (a 500)."""
    if (
        url
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        # After the check above, which refuses what urlsplit cannot read.
        and (url.startswith("/") or urlsplit(url).scheme in ("http", "https"))
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def lockout_response(
    request: HttpRequest, original_response: HttpResponseBase | None, credentials: Any = None
) -> HttpResponseBase:
    """django-axes' answer once a sign-in attempt locked its username+address out.

    Our own forms already say so, with the time to try again: their page stands. Any
    other password form (the admin's) gets a plain 429 page, and so does anything that
    is not a response where the page should be."""
    match = getattr(request, "resolver_match", None)
    if (
        isinstance(original_response, HttpResponseBase)
        and match is not None
        and match.view_name
        in (
            "login",
            "account-reauth",
        )
    ):
        return original_response
    context = {"minutes": settings.LIAISON_LOGIN_LOCKOUT_MINUTES}
    return render(request, "web/locked_out.html", context, status=429)


class SignInView(LoginView):
    """Django's LoginView (which rotates the session key at sign-in), with the lockout's
    message and the second step for a user with a TOTP device."""

    form_class = LoginForm
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if not confirmed_devices(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
            "at": clock.now().timestamp(),
            "next": self.get_redirect_url(),
        }
        return redirect("account-login-code")


def _pending_user(request: HttpRequest) -> tuple[AbstractBaseUser, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    started = dt.datetime.fromtimestamp(pending.get("at", 0), tz=dt.UTC)
    if clock.now() - started > dt.timedelta(minutes=PENDING_MINUTES):
        request.session.pop(PENDING, None)
        messages.info(request, "The code was not entered in time: sign in again.")
        return None
    user = get_user_model().objects.filter(pk=pending.get("user") or 0, is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return None
    return user, pending


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: the code from the user's authenticator app."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    found = _pending_user(request)
    if found is None:
        return redirect(settings.LOGIN_URL)
    user, pending = found
    devices = confirmed_devices(user)
    form = CodeForm(request.POST or None, devices=devices)
    if request.method == "POST":
        if form.is_valid():
            del request.session[PENDING]
            # Django's login rotates the session key.
            login(request, user, backend=pending["backend"])  # type: ignore[arg-type]
            otp_login(request, form.device)
            return redirect(_safe_next(request, pending.get("next")))
        logger.warning("refused sign-in code for %s", user.get_username())
    status = 400 if form.errors else 200
    return render(request, "web/login_code.html", {"form": form}, status=status)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request, 200)


def _account_page(
    request: HttpRequest,
    status: int,
    error: str = "",
    *,
    password_form: PasswordChangeForm | None = None,
    preferences_form: PreferencesForm | None = None,
) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    tokens = (
        ApiToken.objects.filter(user_id=user.pk or 0)
        .select_related("member__office")
        .order_by("-created_at")
    )
    found = account_settings.settings_for(user)
    if zone := account_settings.chosen_zone(request):
        timezone.activate(zone)  # the middleware puts UTC back after the response
    if preferences_form is None:
        initial = {"language": found.language, "time_zone": found.time_zone}
        preferences_form = PreferencesForm(initial=initial, auto_id="preferences-%s")
    return render(
        request,
        "web/account.html",
        {
            "tokens": tokens,
            "has_second_factor": bool(confirmed_devices(user)),
            "may_use_second_factor": may_use_second_factor(user),
            "error": error,
            "password_form": password_form
            or PasswordChangeForm(user, request=request, auto_id="password-%s"),
            "preferences_form": preferences_form,
            "operator_password_since": found.operator_password_since,
            "operator_password_sign_in": account_settings.signed_in_with_operator_password(request),
            "nav": "account",
        },
        status=status,
    )


@require_POST
@login_required
def account_password(request: HttpRequest) -> HttpResponse:
    """A new password of one's own: this session stays signed in, every other one ends
    (Django's session hash covers the password), and sign-ins are no longer marked."""
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST, request=request, auto_id="password-%s")
    if not form.is_valid():
        logger.info("refused a password change of %s", user.get_username())
        return _account_page(request, 400, password_form=form)
    with account_settings.by_holder(user):
        form.save()
    update_session_auth_hash(request, user)  # type: ignore[arg-type]
    request.session.pop(account_settings.OPERATOR_PASSWORD_KEY, None)
    logger.info("%s changed their password", user.get_username())
    messages.success(request, "Your password is changed: your other sessions have ended.")
    return redirect("account")


@require_POST
@login_required
def account_preferences(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    form = PreferencesForm(request.POST, auto_id="preferences-%s")
    if not form.is_valid():
        return _account_page(request, 400, preferences_form=form)
    try:
        found = account_settings.save_preferences(user, command=form.command())
    except Refused as exc:
        form.add_refusal(exc)
        return _account_page(request, 400, preferences_form=form)
    account_settings.remember_in_session(request, found)
    zone = found.time_zone or "each office's own choice"
    messages.success(request, f"Saved: {found.get_language_display()}; times in {zone}.")
    return redirect("account")


@require_POST
@login_required
def token_revoke(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    form = RevokeTokenForm(request.POST)
    try:
        token = own_token_for(user, form.command().token) if form.is_valid() else None
    except Refused:
        token = None
    except NotFound:  # another user's token reads as no token
        return render(request, "404.html", status=404)
    if token is None:
        return _account_page(request, 400, f"Name a token by its first {PREFIX_LENGTH} characters.")
    if revoke_token(token, now=clock.now()):
        logger.info("%s revoked API token %s", request.user.get_username(), token.prefix)
        messages.success(request, f"Token {token.prefix} is revoked: it no longer works.")
    else:
        messages.info(request, f"Token {token.prefix} was already revoked.")
    return redirect("account")


def _qr_svg(uri: str) -> str:
    # segno's SVG uses attributes only (no style), so the page's CSP holds.
    return mark_safe(  # noqa: S308 - segno's own markup of our URI
        segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", title="QR code")
    )


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "403.html", {"message": message}, status=403)


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """The second factor: on (with a form to turn it off), being set up (the URI, its QR
    code and a form to confirm a first code), or off (a button to begin)."""
    return _second_factor_page(request, SecondFactorForm(auto_id="confirm-%s"), 200)


def _second_factor_page(request: HttpRequest, form: SecondFactorForm, status: int) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    devices = confirmed_devices(user)
    setup = None if devices else setup_device(user)
    context: dict[str, Any] = {
        "form": form,
        "has_second_factor": bool(devices),
        "may_use_second_factor": may_use_second_factor(user),
        "setup": setup,
    }
    if setup is not None:
        context["otpauth_uri"] = setup.config_url
        context["qr_svg"] = _qr_svg(setup.config_url)
    return render(request, "web/account_2fa.html", context, status=status)


def _with_code(
    request: HttpRequest, auto_id: str, act: Callable[[SecondFactorCode], Any]
) -> HttpResponse | None:
    """Run ``act`` on the form's code; the page again (403: not offered, 400: refused)
    when it does not go through, None when it did."""
    form = SecondFactorForm(request.POST, auto_id=auto_id)
    try:
        if form.is_valid():
            act(form.command())
            return None
    except NotAllowed as exc:
        return _forbidden(request, exc.message)
    except Refused as exc:
        form.add_refusal(exc)
    return _second_factor_page(request, form, 400)


@require_POST
@login_required
def second_factor_begin(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    try:
        begun = begin_second_factor(user)
    except NotAllowed as exc:
        return _forbidden(request, exc.message)
    if begun is None:
        messages.info(request, "Your second factor is already on.")
    return redirect("account-2fa")


@require_POST
@login_required
def second_factor_confirm(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    # Who may is known before the form is read: a bad form never answers a 400 for an
    # act the person may not make (the action asks again).
    if not may_use_second_factor(user):
        return _forbidden(request, NOT_OFFERED)
    refused = _with_code(
        request, "confirm-%s", lambda command: confirm_second_factor(user, command=command)
    )
    if refused is not None:
        return refused
    logger.info("%s turned the second factor on", user.get_username())
    messages.success(request, "The second factor is on: sign-in will ask for a code.")
    return redirect("account-2fa")


@require_POST
@login_required
def second_factor_disable(request: HttpRequest) -> HttpResponse:
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    refused = _with_code(
        request, "disable-%s", lambda command: turn_off_second_factor(user, command=command)
    )
    if refused is not None:
        return refused
    logger.info("%s turned the second factor off", user.get_username())
    messages.success(request, "The second factor is off: sign-in asks for the password only.")
    return redirect("account-2fa")


@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """The password again (and a code, with a device); then back to ``next``."""
    user: AbstractBaseUser = request.user  # type: ignore[assignment]
    devices = confirmed_devices(user)
    next_url = request.POST.get("next") or request.GET.get("next")
    form = ReauthForm(request.POST or None, request=request, user=user, devices=devices)
    if request.method == "POST":
        if form.is_valid():
            request.session.cycle_key()
            reauth.stamp_reauthenticated(request.session, clock.now())
            return redirect(_safe_next(request, next_url))
        logger.warning("refused re-authentication of %s", user.get_username())
    status = 400 if form.errors else 200
    return render(
        request,
        "web/account_reauth.html",
        {"form": form, "next": next_url or "", "minutes": settings.LIAISON_REAUTH_MINUTES},
        status=status,
    )
