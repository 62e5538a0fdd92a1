"""/api/v1/public/: no account, throttled."""

from django.urls import path

from complaints.public import api

urlpatterns = [
    path("complaints/", api.PublicComplaintCreateView.as_view(), name="public-complaint-submit"),
    path(
        "complaints/<str:tracking_code>/",
        api.PublicComplaintDetailView.as_view(),
        name="public-complaint-detail",
    ),
    path(
        "complaints/<str:tracking_code>/feedback/",
        api.PublicFeedbackView.as_view(),
        name="public-complaint-feedback",
    ),
    path(
        "complaints/<str:tracking_code>/review/",
        api.PublicReviewView.as_view(),
        name="public-complaint-review",
    ),
    path(
        "complaints/<str:tracking_code>/supplements/",
        api.PublicSupplementView.as_view(),
        name="public-complaint-supplements",
    ),
    path("categories/", api.PublicCategoryListView.as_view(), name="public-category-list"),
    path("units/", api.PublicUnitListView.as_view(), name="public-unit-list"),
]
