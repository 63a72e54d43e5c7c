"""Exports name their xlsx sheet after what they hold, not openpyxl's "Sheet"."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coverage.audit.exports import SHEET_MAX, sheet_title, table_bytes
from tests.factories import AttendanceFactory, MembershipFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def test_attendance_export_sheet_is_named_for_the_attendance(client):
    attendance = AttendanceFactory(person__name="张三")
    session = attendance.session
    client.force_login(MembershipFactory(enterprise=session.organiser).user)
    response = client.get(reverse("coverage:session_detail", args=[session.pk]) + "?export=xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["签到记录"]
    assert workbook.active["A2"].value == "张三"


def test_table_bytes_names_its_sheet_never_sheet():
    content = table_bytes(headers=["姓名"], rows=[["张三"]], fmt="xlsx", sheet="长春市-regions")
    assert load_workbook(io.BytesIO(content)).sheetnames == ["长春市-regions"]
    unnamed = table_bytes(headers=["姓名"], rows=[["张三"]], fmt="xlsx")
    assert load_workbook(io.BytesIO(unnamed)).sheetnames != ["Sheet"]


def test_sheet_names_are_made_acceptable_to_excel():
    title = sheet_title("2026/12 班组长[一车间]: 签到*表?" + "很长" * 20)
    assert len(title) == SHEET_MAX
    assert not set(title) & set("\\/*?:[]")
    assert sheet_title("'/'") not in ("", "Sheet")


def test_session_title_with_a_slash_still_exports(client):
    session = TrainingSessionFactory(title="叉车/起重作业培训")
    client.force_login(MembershipFactory(enterprise=session.organiser).user)
    response = client.get(reverse("coverage:session_detail", args=[session.pk]) + "?export=xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["签到记录"]
