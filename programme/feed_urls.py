"""/feeds/…: the programmes as iCal, RSS, Atom and JSON Feed (outside the language prefix)."""

from django.urls import re_path

from . import feeds

app_name = "feeds"

FORMATS = r"(?P<fmt>ics|rss|atom|json)"

urlpatterns = [
    re_path(rf"^spaces/(?P<slug>[-\w]+)\.{FORMATS}$", feeds.space_feed, name="space"),
    re_path(rf"^network/(?P<slug>[-\w]+)\.{FORMATS}$", feeds.network_feed, name="network"),
]
