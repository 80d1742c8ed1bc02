"""Emails in the recipient's language: subject, text and HTML templates (``<prefix>_subject.txt``,
``<prefix>.txt``, ``<prefix>.html``; the HTML one is optional)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def send(
    template_prefix: str,
    to: str | list[str],
    context: dict,
    *,
    language: str | None = None,
    reply_to: list[str] | None = None,
) -> None:
    """Render and send one email. ``language`` defaults to the active one."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        try:
            html = render_to_string(f"{template_prefix}.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients, reply_to=reply_to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def send_to_member(template_prefix: str, member, context: dict) -> None:
    """Send to a member in their preferred language."""
    send(template_prefix, member.email, {"member": member, **context}, language=member.language)
