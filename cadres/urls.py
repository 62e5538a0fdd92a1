from django.urls import path

from workstyle.views import workbench

app_name = "cadres"
urlpatterns = [
    path("units/", workbench, name="units"),
]
