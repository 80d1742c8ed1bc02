from django.contrib import admin

from core.admin import AuditedModelAdmin

from .models import Invitation, Member, Practice, PracticeMember


class PracticeMemberInline(admin.TabularInline):
    model = PracticeMember
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(Member)
class MemberAdmin(AuditedModelAdmin):
    list_display = ["email", "name", "language", "is_active", "is_superuser", "date_joined"]
    list_filter = ["is_active", "is_superuser", "language"]
    search_fields = ["email", "name"]
    fields = ["email", "name", "language", "phone", "bio", "is_active", "is_staff", "is_superuser", "last_login"]
    readonly_fields = ["last_login"]


@admin.register(Practice)
class PracticeAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "public_profile", "language"]
    list_filter = ["kind", "public_profile"]
    search_fields = ["name", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PracticeMemberInline]


@admin.register(Invitation)
class InvitationAdmin(AuditedModelAdmin):
    list_display = ["email", "practice", "invited_by", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "practice__name"]
    readonly_fields = ["token", "created_at", "accepted_at"]
