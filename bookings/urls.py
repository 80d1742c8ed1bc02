from django.urls import path

from . import feeds, views

app_name = "bookings"

S = "spaces/<slug:slug>/bookings/"

urlpatterns = [
    # Calendars
    path(S, views.space_week, name="space-week"),
    path(S + "day/", views.space_day, name="space-day"),
    path(S + "resources/<int:resource_id>/", views.resource_week, name="resource-week"),
    path(S + "resources/<int:resource_id>/day/", views.resource_day, name="resource-day"),
    path(S + "public/", views.public_calendar, name="public"),
    # Booking, one booking's page and what can be done with it
    path(S + "new/", views.book, name="new"),
    path(S + "<int:pk>/", views.detail, name="detail"),
    path(S + "<int:pk>/cancel/", views.cancel, name="cancel"),
    path(S + "<int:pk>/approve/", views.approve, name="approve"),
    path(S + "<int:pk>/refuse/", views.refuse, name="refuse"),
    path(S + "<int:pk>/cancel-following/", views.cancel_following, name="cancel-following"),
    path(S + "<int:pk>/approve-series/", views.approve_series, name="approve-series"),
    path(S + "<int:pk>/refuse-series/", views.refuse_series, name="refuse-series"),
    path(S + "waitlist/", views.waitlist_join, name="waitlist-join"),
    path(S + "waitlist/<int:pk>/leave/", views.waitlist_leave, name="waitlist-leave"),
    # Coordinators
    path(S + "pending/", views.queue, name="queue"),
    path(S + "rules/", views.rules_overview, name="rules"),
    path(S + "rules/default/", views.rules_default, name="rules-default"),
    path(S + "rules/resources/<int:resource_id>/", views.rules_resource, name="rules-resource"),
    path(S + "rules/groups/<int:group_id>/", views.rules_group, name="rules-group"),
    path(S + "groups/", views.groups, name="groups"),
    path(S + "groups/<int:group_id>/", views.group_edit, name="group-edit"),
    path(S + "closures/", views.closures, name="closures"),
    path(S + "closures/<int:closure_id>/", views.closure_detail, name="closure"),
    # The member's own
    path("me/bookings/", views.mine, name="mine"),
    path("me/bookings/calendar-link/", feeds.feed_settings, name="feed-settings"),
    # Find a place
    path("find/", views.find, name="find"),
    # iCal feeds
    path(S + "public.ics", feeds.public_feed, name="public-feed"),
    path("calendars/<str:token>.ics", feeds.private_feed, name="private-feed"),
]
