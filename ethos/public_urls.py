"""The outside raters' page, behind a one-time link (included under /appraisal/)."""

from django.urls import path

from ethos import views

urlpatterns = [path("<str:token>/", views.public_rate, name="ethos-public-rate")]
