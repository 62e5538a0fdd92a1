from complaints.public.urls import urlpatterns as public_urlpatterns
from complaints.staff_urls import urlpatterns as staff_urlpatterns

app_name = "complaints"
urlpatterns = public_urlpatterns + staff_urlpatterns
