# Downloads of private files, under /coverage/.
from django.urls import path

from coverage.private_files import views

app_name = "private_files"

urlpatterns = [
    path(
        "enterprises/<str:credit_code>/imports/<int:pk>/file",
        views.roster_upload_download,
        name="roster_upload",
    ),
    path(
        "training-records/<int:pk>/evidence",
        views.training_evidence_download,
        name="training_evidence",
    ),
]
