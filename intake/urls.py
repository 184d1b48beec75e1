"""URLs of intake: the residents' online service and payments, the staff's pages and the
counter's intake pages."""

from intake.counter.urls import urlpatterns as counter_urlpatterns
from intake.online.urls import urlpatterns as online_urlpatterns
from intake.payments.urls import urlpatterns as payment_urlpatterns
from intake.staff.urls import urlpatterns as staff_urlpatterns

app_name = "intake"

urlpatterns = [
    *online_urlpatterns, *payment_urlpatterns, *staff_urlpatterns, *counter_urlpatterns,
]
