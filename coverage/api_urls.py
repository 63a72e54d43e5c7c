# The read-only data-sharing API, under /api/.
urlpatterns: list = []
