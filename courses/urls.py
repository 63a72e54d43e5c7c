from courses.certificates import urls as certificates_urls
from courses.exams import urls as exams_urls
from courses.learning import urls as learning_urls
from courses.organisations import urls as organisations_urls

app_name = "courses"

# One namespace for the part: the sub-packages' URL names stay `courses:<name>`.
urlpatterns = [
    *learning_urls.urlpatterns,
    *exams_urls.urlpatterns,
    *certificates_urls.urlpatterns,
    *organisations_urls.urlpatterns,
]
