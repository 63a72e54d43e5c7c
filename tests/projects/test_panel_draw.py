import json

import pytest
from django.core.management import CommandError, call_command

from coverage.models import AuditLog
from projects.experts.selectors import expert_pool_for
from projects.models import ExpertConflict, PanelMember, Project
from projects.panels.draw import DrawRefused, PoolEntry, panel_pick
from projects.panels.services import panel_member_decline, project_review_start
from tests.factories import ExpertFactory, MembershipFactory
from tests.helpers.manage import manage


def draw_json(code, *args):
    from io import StringIO

    out = StringIO()
    call_command("expert_panel_draw", "--project", code, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_same_seed_and_pool_give_the_same_panel(world):
    first = draw_json(world.project.code, "--size", "5", "--seed", "20250601")
    again = draw_json(world.project.code, "--size", "5", "--seed", "20250601")
    other = draw_json(world.project.code, "--size", "5", "--seed", "7")
    assert first == again
    assert [m["expert_id"] for m in first["panel"]] != [m["expert_id"] for m in other["panel"]]
    assert set(first) == {"project", "size", "seed", "pool_size", "panel", "excluded"}
    assert first["project"] == world.project.code and first["size"] == 5
    assert first["pool_size"] == 9 and first["seed"] == 20250601
    assert set(first["panel"][0]) == {"expert_id", "name", "field"}


def test_the_draw_is_random_order_over_ids_so_anyone_can_recompute_it():
    import random

    pool = [PoolEntry(pk, "work_safety") for pk in (5, 3, 9, 1, 7)]
    ids = [1, 3, 5, 7, 9]
    random.Random(42).shuffle(ids)
    assert [e.expert_id for e in panel_pick(pool=pool, seed=42, size=3, fields=[])] == ids[:3]


def test_a_panel_covers_the_fields_asked_for():
    pool = [PoolEntry(pk, "work_safety") for pk in range(1, 20)] + [PoolEntry(50, "finance")]
    for seed in range(20):
        chosen = panel_pick(pool=pool, seed=seed, size=3, fields=["finance"])
        assert 50 in {e.expert_id for e in chosen}
    with pytest.raises(DrawRefused, match="领域专家"):
        panel_pick(pool=pool, seed=1, size=3, fields=["occupational_health"])


def test_conflicts_of_interest_are_excluded_automatically(world):
    same_org = ExpertFactory(organisation=world.applicant)
    same_name = ExpertFactory(organisation_name=world.applicant.name)
    declared = ExpertFactory()
    ExpertConflict.objects.create(expert=declared, enterprise=world.applicant, reason="前雇员")
    administering = ExpertFactory(user=MembershipFactory(enterprise=world.applicant).user)
    away = ExpertFactory(available=False)
    result = draw_json(world.project.code, "--size", "9", "--seed", "3")
    reasons = {e["expert_id"]: e["reason"] for e in result["excluded"]}
    assert reasons == {
        same_org.pk: "same_organisation",
        same_name.pk: "same_organisation",
        declared.pk: "declared_conflict",
        administering.pk: "same_organisation",
        away.pk: "unavailable",
    }
    assert not set(reasons) & {m["expert_id"] for m in result["panel"]}
    assert result["pool_size"] == 9


@pytest.mark.parametrize("size", [4, 2, 1, -3])
def test_an_even_size_or_below_three_exits_2(world, size):
    with pytest.raises(CommandError) as refused:
        draw_json(world.project.code, "--size", str(size))
    assert refused.value.returncode == 2
    assert str(size) in str(refused.value)


@pytest.mark.slow
def test_the_command_exits_2_in_a_process_of_its_own():
    run = manage("expert_panel_draw", "--project", "NONE", "--size", "4", "--json")
    assert run.returncode == 2
    assert "4" in run.stderr and run.stdout == ""


def test_a_recorded_draw_replays_from_its_snapshot_after_the_pool_changed(world):
    world.project.status = Project.Status.SUBMITTED
    world.project.save()
    panel = project_review_start(project=world.project, user=world.hrss, size=3, seed=99)
    members = list(panel.members.values_list("expert_id", flat=True))
    ExpertFactory.create_batch(5)  # the pool grows after the draw
    replay = draw_json(world.project.code, "--panel", str(panel.pk))
    assert [m["expert_id"] for m in replay["panel"]] == members
    assert replay["seed"] == 99 and replay["pool_size"] == 9
    assert (
        panel.pool
        == [[e.expert_id, e.field] for e in expert_pool_for(project=world.project)[0]][:9]
    )
    draw = AuditLog.objects.get(action="panel_draw")
    assert "seed 99" in draw.subject and draw.user == world.hrss


def test_a_declined_seat_is_replaced_from_the_snapshot_and_recorded(world):
    world.project.status = Project.Status.SUBMITTED
    world.project.save()
    panel = project_review_start(project=world.project, user=world.hrss, size=3, seed=5)
    seat = panel.members.select_related("expert").first()
    replacement = panel_member_decline(member=seat, user=seat.expert.user, reason="出差")
    seat.refresh_from_db()
    assert seat.status == PanelMember.Status.DECLINED and seat.decline_reason == "出差"
    assert replacement.replaces == seat
    assert replacement.expert.field == seat.expert.field
    assert panel.members.filter(status=PanelMember.Status.ACTIVE).count() == 3
    # The replacement follows from the record alone: the same seed, snapshot and seats.
    from projects.panels.draw import replacement_pick

    used = set(panel.members.values_list("expert_id", flat=True)) - {replacement.expert_id}
    pool = [PoolEntry(pk, field) for pk, field in panel.pool]
    again = replacement_pick(pool=pool, seed=5, used=used, field=seat.expert.field)
    assert again.expert_id == replacement.expert_id
