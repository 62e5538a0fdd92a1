"""The public side of notices: the list and each notice's page, the public API and the Atom feed.
No account; only published notices, and of them only what the public reads (``PublicNoticeSerializer``):
never the case, its author or its timeline."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions

from cadres.models import Unit
from complaints.public.api import ClientThrottle
from supervision.filters import PublicNoticeFilter
from supervision.models import Notice
from supervision.serializers import PublicNoticeSerializer
from workstyle.filters import FilterBackend
from workstyle.paging import paginate

PAGE_SIZE = 20
FEED_ITEMS = 50


def notices_published() -> QuerySet[Notice]:
    return Notice.objects.published().select_related("unit").order_by("-published_on", "-published_at", "-id")


def notice_list(request: HttpRequest) -> HttpResponse:
    filterset = PublicNoticeFilter(request.GET, queryset=notices_published())
    page = paginate(request, filterset.qs if filterset.is_valid() else notices_published().none(), size=PAGE_SIZE)
    years = notices_published().dates("published_on", "year", order="DESC")
    units = Unit.objects.filter(pk__in=notices_published().values("unit_id")).order_by("name")
    context = {
        "page": page,
        "filter": filterset,
        "years": [d.year for d in years],
        "units": units,
        "kinds": Notice.Kind.choices,
        "chosen": {key: request.GET.get(key, "") for key in ("year", "unit", "kind")},
    }
    return render(request, "supervision/public/notice_list.html", context)


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(notices_published(), pk=pk)
    return render(request, "supervision/public/notice_detail.html", {"notice": notice})


class NoticeFeed(Feed):
    """Published notices as Atom, for the city's media column and readers."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Notices of the work style supervision")

    def subtitle(self) -> str:
        return _("Exposures of decided accountability cases and advanced models")

    def link(self) -> str:
        return reverse("notices:list")

    def items(self) -> QuerySet[Notice]:
        return notices_published()[:FEED_ITEMS]

    def item_title(self, item: Notice) -> str:
        return f"[{item.get_kind_display()}] {item.title}"

    def item_description(self, item: Notice) -> str:
        # Plain text: the syndication framework escapes it.
        return item.body

    def item_link(self, item: Notice) -> str:
        return reverse("notices:detail", args=[item.pk])

    def item_pubdate(self, item: Notice) -> Any:
        return item.published_at

    def item_updateddate(self, item: Notice) -> Any:
        return item.published_at or timezone.now()

    def item_categories(self, item: Notice) -> list[str]:
        return [str(item.get_kind_display())]


class PublicNoticeListView(generics.ListAPIView[Notice]):
    """Published notices, newest first; filter by year, unit and kind."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ClientThrottle]
    throttle_scope = "public"
    serializer_class = PublicNoticeSerializer

    def get_queryset(self) -> QuerySet[Notice]:
        return notices_published()

    filterset_class = PublicNoticeFilter
    filter_backends = [FilterBackend]

    @extend_schema(operation_id="public_notice_list", summary="Published notices", auth=[], tags=["public"])
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class PublicNoticeDetailView(generics.RetrieveAPIView[Notice]):
    """One published notice; a withdrawn or unpublished one is 404."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ClientThrottle]
    throttle_scope = "public"
    serializer_class = PublicNoticeSerializer

    def get_queryset(self) -> QuerySet[Notice]:
        return notices_published()

    @extend_schema(operation_id="public_notice_detail", summary="A published notice", auth=[], tags=["public"])
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)
