"""How the API knows who calls: ``Authorization: Token <token>`` with a token the portal issued
(``workstyle.models.ApiToken``), or the page's session. And when a user's tokens stop: he logs
out, or his password changes — whoever changed it, through the admin, a page or ``set_password``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from workstyle import services
from workstyle.errors import DomainError
from workstyle.models import ApiToken

User = get_user_model()


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <token>``, as clients have always sent it. An unknown, expired or
    revoked token is a 401 (JSON, like every error of the API), never a fall-back to anonymous."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            token = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        try:
            row = services.api_token_authenticate(token=token, now=timezone.now())
        except DomainError as exc:
            raise exceptions.AuthenticationFailed(str(exc.message)) from None
        return row.user, row

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for ``ApiTokenAuthentication``."""

    target_class = "workstyle.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106 - the header's keyword


@receiver(user_logged_out, dispatch_uid="workstyle-revoke-tokens-on-logout")
def revoke_tokens_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Logging out ends every way of acting as the user, his API tokens included."""
    if user is not None and getattr(user, "pk", None) is not None:
        services.api_tokens_revoke_all(
            user=user, actor=user, now=timezone.now(), because=ApiToken.RevokedBecause.LOGOUT
        )


@receiver(pre_save, sender=User, dispatch_uid="workstyle-note-password-change")
def note_password_change(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # Compared with the stored hash rather than trusting set_password() alone: a password may also
    # be set by assigning a hash, or made unusable. Saves that leave the password out (the login's
    # last_login) are skipped without a query.
    instance._workstyle_password_changed = False
    if kwargs.get("raw") or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._workstyle_password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=User, dispatch_uid="workstyle-revoke-tokens-on-password-change")
def revoke_tokens_on_password_change(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Whoever holds a token issued before a password change may no longer act as the user: the
    change is often made because the password, and what it gave access to, was exposed. Who changed
    it is not known here (admin, page, command): the revocation is recorded without an actor."""
    if getattr(instance, "_workstyle_password_changed", False):
        instance._workstyle_password_changed = False
        services.api_tokens_revoke_all(
            user=instance, actor=None, now=timezone.now(), because=ApiToken.RevokedBecause.PASSWORD_CHANGE
        )
