from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse, translate_url
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """People join plek by invitation to a practice, not by open sign-up; allauth's emails go out in the
    recipient's language."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_password_change_redirect_url(self, request):
        return reverse("community:profile")

    def send_mail(self, template_prefix, email, context):
        from .models import Member

        member = Member.objects.filter(email__iexact=email).only("language").first()
        language = member.language if member else translation.get_language()
        context = dict(context)
        for key in ("password_reset_url", "activate_url"):
            if context.get(key):
                context[key] = translate_url(context[key], language)
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)
