import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coverage.models import Department
from projects.declarations.services import budget_line_add, project_attachment_add, project_submit
from projects.panels.services import panel_member_decline, project_review_start
from tests.factories import (
    EnterpriseFactory,
    ExpertFactory,
    ProjectFactory,
    admin_of,
    department_regulator_of,
    regulator_of,
)


def reviewed(world):
    budget_line_add(
        project=world.project, user=world.applicant_admin, standard=world.standard, quantity=1
    )
    project_submit(project=world.project, user=world.applicant_admin)
    return project_review_start(project=world.project, user=world.hrss, size=3, seed=8)


def status_of(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_nobody_outside_the_region_or_the_panel_sees_a_project(client, world):
    panel = reviewed(world)
    url = world.project.get_absolute_url()
    seats = list(panel.members.select_related("expert__user"))
    on_panel = {s.expert_id for s in seats}
    off_panel = next(e for e in world.experts if e.pk not in on_panel)
    insiders = [
        world.applicant_admin,
        world.hrss,
        world.social,
        regulator_of(world.county),
        seats[0].expert.user,
    ]
    outsiders = [
        regulator_of(world.other_city),
        department_regulator_of(world.other_city, Department.HUMAN_RESOURCES),
        admin_of(EnterpriseFactory(region=world.county)),
        off_panel.user,
    ]
    for user in insiders:
        assert status_of(client, user, url) == 200, user
    for user in outsiders:
        assert status_of(client, user, url) == 404, user
        assert world.project.code not in client.get(reverse("projects:list")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302
    # A declined seat no longer opens the project.
    panel_member_decline(member=seats[0], user=seats[0].expert.user, reason="回避")
    assert status_of(client, seats[0].expert.user, url) == 404


def test_the_list_asks_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for _ in range(15):
        ProjectFactory(applicant=world.applicant)
    client.force_login(world.hrss)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:list"))
    assert response.status_code == 200 and response.content.decode().count("2025-TEST-") >= 16


def test_attachments_are_stored_encrypted_and_served_only_to_those_who_see_the_project(
    client, world
):
    attachment = project_attachment_add(
        project=world.project,
        user=world.applicant_admin,
        title="申报书",
        file=SimpleUploadedFile("申报书.txt", "项目申报书正文".encode()),
    )
    stored = attachment.file.storage.inner.open(attachment.file.name).read()
    assert "项目申报书正文".encode() not in stored
    url = reverse("projects:attachment", args=[world.project.code, attachment.pk])
    client.force_login(world.hrss)
    response = client.get(url)
    assert b"".join(response.streaming_content) == "项目申报书正文".encode()
    client.force_login(regulator_of(world.other_city))
    assert client.get(url).status_code == 404


def test_the_detail_page_offers_each_role_its_own_next_step(client, world):
    budget_line_add(
        project=world.project, user=world.applicant_admin, standard=world.standard, quantity=1
    )
    url = world.project.get_absolute_url()
    client.force_login(world.hrss)
    assert "projects/" + world.project.code + "/submit" not in client.get(url).content.decode()
    client.force_login(world.applicant_admin)
    response = client.post(reverse("projects:action", args=[world.project.code, "submit"]))
    assert response.status_code == 302
    client.force_login(world.social)
    client.post(reverse("projects:action", args=[world.project.code, "review"]), {"size": 3})
    world.project.refresh_from_db()
    assert world.project.status == "submitted"  # 社保 may not draw: refused, nothing changed
    client.force_login(world.hrss)
    client.post(reverse("projects:action", args=[world.project.code, "review"]), {"size": 4})
    world.project.refresh_from_db()
    assert world.project.status == "submitted"  # an even panel is refused
    client.post(
        reverse("projects:action", args=[world.project.code, "review"]), {"size": 3, "seed": 5}
    )
    world.project.refresh_from_db()
    assert world.project.status == "under_review"
    panel = world.project.panels.get()
    page = client.get(reverse("projects:panel_print", args=[world.project.code, panel.pk]))
    assert page.status_code == 200 and 'data-testid="seed">5<' in page.content.decode()


def test_the_pool_page_lists_terms_ending_within_sixty_days(client, world):
    today = timezone.localdate()
    soon = ExpertFactory(name="任期将满", term_end=today + datetime.timedelta(days=59))
    ExpertFactory(name="任期尚远", term_end=today + datetime.timedelta(days=61))
    client.force_login(world.hrss)
    response = client.get(reverse("projects:experts"))
    expiring = list(response.context["expiring"])
    assert soon in expiring and [e.name for e in expiring] == ["任期将满"]
    client.force_login(world.applicant_admin)
    assert client.get(reverse("projects:experts")).status_code == 404
