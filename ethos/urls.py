"""Pages of the eight ethos (included under /ethos/), and the outside raters' page."""

from django.urls import path

from ethos import views

app_name = "ethos"
urlpatterns = [
    path("commitment/", views.my_commitment, name="my_commitment"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/print/", views.commitment_print, name="commitment_print"),
    # One route per action of the transition table: …/sign/, …/review/, …/return/.
    path("commitments/<int:pk>/<slug:action>/", views.commitment_action, name="commitment_action"),
    path("years/", views.year_list, name="year_list"),
    path("years/<int:year>/", views.completion, name="completion"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/rate/", views.rate, name="rate"),
    # …/open/ and …/close/ from the transition table, and …/links/ for outside raters' links.
    path("rounds/<int:pk>/<slug:action>/", views.round_action, name="round_action"),
]
