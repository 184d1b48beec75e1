"""URLs of intake: the counter's intake pages and the residents' online service."""

from intake.counter.urls import urlpatterns as counter_urlpatterns
from intake.online.urls import urlpatterns as online_urlpatterns

app_name = "intake"

urlpatterns = [*online_urlpatterns, *counter_urlpatterns]
