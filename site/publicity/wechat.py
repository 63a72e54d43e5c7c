"""Share cards inside WeChat: its browser ignores `og:` tags unless the page configures its
JS-SDK with a signature made on the server from a jsapi ticket
(https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html, appendix 1).

Off unless WECHAT_APP_ID and WECHAT_APP_SECRET are set. The ticket (valid 7,200 s, and each
official account may fetch it only so many times a day) is kept in the shared cache, so every
web node uses one; a cache lock lets one request fetch it when it runs out. Written by hand:
no maintained Python package does this small part without bringing a whole WeChat SDK.
"""

import hashlib
import logging
import secrets
import time

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

TICKET_KEY = "wechat:jsapi_ticket"
LOCK_KEY = "wechat:jsapi_ticket:lock"
EARLY_SECONDS = 300  # fetch a new ticket this long before WeChat's expiry
TIMEOUT_SECONDS = 5


class WeChatUnavailable(Exception):
    """WeChat did not give a ticket (network, credentials, quota): no share card this time."""


def wechat_share_enabled() -> bool:
    return bool(settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET)


def _get(path: str, params: dict) -> dict:
    try:
        response = requests.get(
            settings.WECHAT_API_BASE.rstrip("/") + path, params=params, timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        found = response.json()
    except (requests.RequestException, ValueError) as error:
        raise WeChatUnavailable(str(error)) from error
    if found.get("errcode"):
        raise WeChatUnavailable(f"{found.get('errcode')} {found.get('errmsg', '')}")
    return found


def _ticket_fetch() -> tuple[str, int]:
    token = _get(
        "/cgi-bin/token",
        {
            "grant_type": "client_credential",
            "appid": settings.WECHAT_APP_ID,
            "secret": settings.WECHAT_APP_SECRET,
        },
    )
    ticket = _get(
        "/cgi-bin/ticket/getticket", {"access_token": token["access_token"], "type": "jsapi"}
    )
    return ticket["ticket"], int(ticket.get("expires_in", 7200))


def jsapi_ticket() -> str:
    ticket = cache.get(TICKET_KEY)
    if ticket:
        return ticket
    for _attempt in range(50):
        if cache.add(LOCK_KEY, 1, timeout=2 * TIMEOUT_SECONDS + 5):
            try:
                ticket, expires_in = _ticket_fetch()
            except WeChatUnavailable:
                logger.exception("WeChat jsapi ticket could not be fetched")
                raise
            finally:
                cache.delete(LOCK_KEY)
            cache.set(TICKET_KEY, ticket, timeout=max(60, expires_in - EARLY_SECONDS))
            return ticket
        time.sleep(0.1)  # another request is fetching it
        ticket = cache.get(TICKET_KEY)
        if ticket:
            return ticket
    raise WeChatUnavailable("timed out waiting for another request to fetch the ticket")


def share_signature(*, ticket: str, nonce: str, timestamp: int, url: str) -> str:
    """WeChat's signature: SHA-1 of the four fields sorted by name, the URL without '#…'."""
    url = url.split("#", 1)[0]
    text = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def share_config(url: str) -> dict:
    """What `wx.config` needs for the page at `url`."""
    nonce, timestamp = secrets.token_hex(8), int(time.time())
    return {
        "appId": settings.WECHAT_APP_ID,
        "timestamp": timestamp,
        "nonceStr": nonce,
        "signature": share_signature(
            ticket=jsapi_ticket(), nonce=nonce, timestamp=timestamp, url=url
        ),
    }
