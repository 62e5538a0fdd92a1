"""/api/v1/public/: no account, throttled."""

from django.urls import path

from complaints import public_api

urlpatterns = [
    path("complaints/", public_api.PublicComplaintCreateView.as_view(), name="public-complaint-submit"),
    path(
        "complaints/<str:tracking_code>/",
        public_api.PublicComplaintDetailView.as_view(),
        name="public-complaint-detail",
    ),
    path(
        "complaints/<str:tracking_code>/feedback/",
        public_api.PublicFeedbackView.as_view(),
        name="public-complaint-feedback",
    ),
    path(
        "complaints/<str:tracking_code>/review/",
        public_api.PublicReviewView.as_view(),
        name="public-complaint-review",
    ),
    path("categories/", public_api.PublicCategoryListView.as_view(), name="public-category-list"),
    path("units/", public_api.PublicUnitListView.as_view(), name="public-unit-list"),
]
