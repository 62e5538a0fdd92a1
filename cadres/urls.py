from django.urls import path

from cadres import views

app_name = "cadres"
urlpatterns = [
    path("units/", views.unit_tree, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
    path("cadres/", views.cadre_list, name="cadres"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre"),
]
