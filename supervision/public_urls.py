"""/notices/: the public notices, their pages and the Atom feed."""

from django.urls import path

from supervision import public

app_name = "notices"
urlpatterns = [
    path("", public.notice_list, name="list"),
    path("feed/", public.NoticeFeed(), name="feed"),
    path("<int:pk>/", public.notice_detail, name="detail"),
]
