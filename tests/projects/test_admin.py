from django.urls import reverse

from projects.models import Project


def test_admin_lists_and_opens_projects_experts_and_standards(world, admin_client):
    for name in ("expert", "expertconflict", "criterion", "paymentstandard", "project"):
        response = admin_client.get(reverse(f"admin:projects_{name}_changelist"))
        assert response.status_code == 200, name
    response = admin_client.get(reverse("admin:projects_project_change", args=[world.project.pk]))
    assert response.status_code == 200
    response = admin_client.get(reverse("admin:projects_expert_change", args=[world.experts[0].pk]))
    assert response.status_code == 200


def test_admin_cannot_change_a_projects_status(world, admin_client):
    project = world.project
    url = reverse("admin:projects_project_change", args=[project.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "status" not in form.fields and "paid_amount" not in form.fields
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "title": "改名后的项目",
            "status": Project.Status.PAID,
            "paid_amount": "99999",
            "budget_lines-TOTAL_FORMS": "0",
            "budget_lines-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        }
    )
    assert admin_client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.title == "改名后的项目"  # the form was saved, without the status fields
    assert project.status == Project.Status.DRAFT and project.paid_amount is None
