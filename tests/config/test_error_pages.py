import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from PIL import Image

from config.errors import page_not_found
from config.unavailable import unavailable_response
from coverage.models import Membership
from demo.installers.publicity import home_page_install
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_chinese_error_page(response, status, heading):
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in response.text
    assert 'href="/"' in response.text and "返回首页" in response.text
    assert 'href="/accounts/login/"' in response.text
    assert "/static/css/site.css" in response.text


def test_regulator_outside_their_region_meets_a_chinese_404(client, jilin):
    regulator = UserFactory()
    MembershipFactory(
        user=regulator, role=Membership.Role.REGULATOR, enterprise=None, region=jilin["220100"]
    )
    elsewhere = EnterpriseFactory(region=jilin["220202"])
    client.force_login(regulator)
    response = client.get(f"/coverage/enterprises/{elsewhere.credit_code}/")
    assert_chinese_error_page(response, 404, "页面不存在")
    assert "不在您的账号可查看的企业和地区范围内" in response.text


def test_unknown_address_is_a_chinese_404(client):
    assert_chinese_error_page(client.get("/no-such-page/"), 404, "页面不存在")


@pytest.mark.urls("tests.config.error_urls")
def test_400_403_and_500_pages_are_chinese():
    client = Client(raise_request_exception=False)
    assert_chinese_error_page(client.get("/test-errors/400/"), 400, "无法识别此请求")
    assert_chinese_error_page(client.get("/test-errors/403/"), 403, "您无权打开此页面")
    assert_chinese_error_page(client.get("/test-errors/500/"), 500, "系统出现故障")


def test_expired_form_explains_itself_in_chinese():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"phone": "13800000001"})
    assert_chinese_error_page(response, 403, "您无权打开此页面")
    assert "表单已过期" in response.text


def test_error_and_unavailable_pages_need_no_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        not_found = page_not_found(rf.get("/x/"))
        unavailable = unavailable_response(rf.get("/coverage/sessions/"))
    assert not_found.status_code == 404
    assert unavailable.status_code == 503 and unavailable["Retry-After"] == "30"
    assert "服务暂时不可用" in unavailable.text


def test_favicon_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("favicon.ico")
    with Image.open(finders.find("favicon.ico")) as icon:
        assert icon.format == "ICO" and icon.size[0] >= 32


def test_robots_txt_keeps_crawlers_to_public_pages(client, settings):
    settings.PUBLIC_BASE_URL = "https://yufang.example.cn"
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    for prefix in ["/admin/", "/django-admin/", "/accounts/", "/coverage/", "/api/", "/jobs/"]:
        assert f"Disallow: {prefix}" in lines
    assert "Allow: /" in lines
    assert "Sitemap: https://yufang.example.cn/sitemap.xml" in lines


def test_sitemap_names_the_public_host_not_the_wagtail_sites(client, settings):
    settings.PUBLIC_BASE_URL = "https://yufang.example.cn"
    home_page_install()  # the Wagtail Site says localhost:80, as after `make run`
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert locations and all(url.startswith("https://yufang.example.cn/") for url in locations)
