"""The `ledger` namespace, under /ledger/: 我的学时 and its 学时证明, person pages, the public
verification of a proof."""

from django.urls import path

from ledger.pages import views as pages
from ledger.proofs import views as proofs

app_name = "ledger"

urlpatterns = [
    path("me/", pages.my_hours, name="my_hours"),
    path("me/export/", pages.my_hours_export, name="my_hours_export"),
    path("me/proofs/", proofs.proof_issue, name="proof_issue"),
    path("me/proofs/<slug:serial>/", proofs.proof, name="proof"),
    path("me/proofs/<slug:serial>.pdf", proofs.proof_download, name="proof_pdf"),
    path("verify/<str:serial>/", proofs.proof_verify, name="proof_verify"),
    path("people/", pages.person_find, name="person_find"),
    path("people/<int:pk>/", pages.person_page, name="person"),
    path("people/<int:pk>/export/", pages.person_export, name="person_export"),
    path("people/<int:pk>/lines/<int:line>/correct/", pages.line_correct, name="line_correct"),
    path(
        "enterprises/<str:credit_code>/people/<int:pk>/",
        pages.person_page,
        name="enterprise_person",
    ),
    path(
        "enterprises/<str:credit_code>/people/<int:pk>/export/",
        pages.person_export,
        name="enterprise_person_export",
    ),
]
