"""Share cards inside WeChat: the JS-SDK signature made on the server from a jsapi ticket kept
in the cache, against a local stand-in for WeChat's API (no internet here or in CI)."""

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from publicity.wechat import share_signature

pytestmark = pytest.mark.django_db


class FakeWeChat(BaseHTTPRequestHandler):
    calls: list[str] = []
    fail = False

    def do_GET(self):
        url = urlparse(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        type(self).calls.append(url.path)
        if type(self).fail:
            body = {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
        elif url.path == "/cgi-bin/token":
            assert (query["appid"], query["secret"]) == ("wx-test-app", "s3cret")
            body = {"access_token": "TOKEN", "expires_in": 7200}
        elif url.path == "/cgi-bin/ticket/getticket":
            assert (query["access_token"], query["type"]) == ("TOKEN", "jsapi")
            body = {"errcode": 0, "errmsg": "ok", "ticket": "TICKET", "expires_in": 7200}
        else:
            self.send_error(404)
            return
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def wechat(settings):
    FakeWeChat.calls, FakeWeChat.fail = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET = "wx-test-app", "s3cret"
    settings.WECHAT_API_BASE = f"http://127.0.0.1:{server.server_port}"
    settings.PUBLIC_BASE_URL = "https://gsyf.example.cn"
    yield FakeWeChat
    server.shutdown()


def _config(client, url):
    return client.get("/publicity/wechat-share/", {"url": url})


def test_the_signature_is_wechats_and_the_ticket_is_fetched_once(client, wechat):
    page = "https://gsyf.example.cn/articles/dust-lungs/?from=timeline"
    first = _config(client, page + "#comments").json()
    second = _config(client, page).json()

    assert first["appId"] == "wx-test-app"
    text = (
        f"jsapi_ticket=TICKET&noncestr={first['nonceStr']}&timestamp={first['timestamp']}"
        f"&url={page}"
    )
    assert first["signature"] == hashlib.sha1(text.encode()).hexdigest()
    assert second["signature"] == share_signature(
        ticket="TICKET", nonce=second["nonceStr"], timestamp=second["timestamp"], url=page
    )
    assert wechat.calls == ["/cgi-bin/token", "/cgi-bin/ticket/getticket"]  # then the cache


def test_only_our_own_pages_are_signed(client, wechat):
    assert _config(client, "https://evil.example.com/").status_code == 400
    assert _config(client, "https://gsyf.example.cn.evil.com/").status_code == 400
    assert wechat.calls == []


def test_when_wechat_refuses_there_is_no_card_and_no_error_page(client, wechat):
    wechat.fail = True
    response = _config(client, "https://gsyf.example.cn/")
    assert response.status_code == 503 and response.json() == {"error": "wechat"}


def test_off_unless_configured(client, settings, publicity_demo):
    settings.WECHAT_APP_ID = settings.WECHAT_APP_SECRET = ""
    assert client.get("/publicity/wechat-share/", {"url": "x"}).status_code == 404
    assert "wechat_share.js" not in client.get("/articles/").text


def test_pages_load_the_share_script_when_configured(client, wechat, publicity_demo):
    page = client.get("/articles/").text
    assert 'src="/static/publicity/wechat_share.js"' in page
    assert 'data-config-url="/publicity/wechat-share/"' in page
