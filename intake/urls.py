"""URLs of intake: the counter's intake pages and the residents' online service."""

app_name = "intake"

urlpatterns = []
