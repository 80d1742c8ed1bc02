from django.contrib.auth import authenticate
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import issue_token
from .exceptions import error_response


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenView(APIView):
    """Exchange an email and password for an API token (send it as ``Authorization: Bearer <token>``)."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = authenticate(
            request._request,
            email=serializer.validated_data["email"].lower(),
            password=serializer.validated_data["password"],
        )
        if member is None or not member.is_active:
            return error_response(401, _("Wrong email or password."), code="invalid_credentials")
        return Response({"token": issue_token(member, label="api")})


urlpatterns = [path("auth/token", TokenView.as_view(), name="auth-token")]
