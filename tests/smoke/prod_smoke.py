"""`make prod-smoke`: the production deployment started on this machine, without Docker, and
checked over HTTPS through nginx.

What runs is what docker/compose.yaml runs: PostgreSQL and Redis (the machine's, in a database
and Redis databases of the smoke's own), `migrate`, `collectstatic`, the demo data, a Celery
worker and beat, and two nodes, each gunicorn with `config.settings.production` behind nginx
configured from docker/nginx/yufang.conf.template, sharing the database, Redis and the media
folder (two nodes of a scaled-out deployment, as behind a load balancer).

Checked: home page, static files, /healthz, the Chinese 404 page; a video uploaded in the
Wagtail admin of node A, transcoded by the worker and played (playlist, segments, poster) from
node B's nginx with the right types and headers; an uploaded roster reachable under no URL and
encrypted on disk; X-Forwarded-For from nginx honoured and a forged one ignored (audit log);
an SMS rate limit reached on node A holds on node B.

Every process it starts is stopped on exit, whatever happens.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import psycopg
import redis
import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "docker" / "nginx" / "yufang.conf.template"
DATABASE = os.environ.get("SMOKE_DATABASE", "yufang_smoke")
POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379")
# Redis databases of the smoke's own: broker, cache (rate limits), page cache.
REDIS_DBS = (9, 10, 11)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SUPERUSER = ("admin@demo.yufang.cn", "yufang-demo-2025")
ENTERPRISE_ADMIN = ("qiye@demo.yufang.cn", "yufang-demo-2025")
# The client's address as nginx sees it (a loopback alias), unlike gunicorn's REMOTE_ADDR,
# which is nginx's 127.0.0.1: the audit log must show this one.
CLIENT_ADDRESS = "127.0.0.2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render_template(text: str, values: dict[str, str]) -> str:
    """${NAME} replaced for the given names only, as the nginx image's envsubst filter does,
    so nginx's own $variables stay."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"{TEMPLATE.name} needs {name}")
        return values[name]

    return re.sub(r"\$\{(YUFANG_\w+)\}", replace, text)


@dataclass
class Node:
    name: str
    gunicorn_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"


class Stack:
    """The processes of the deployment, each in its own process group, stopped on exit."""

    def __init__(self, work: Path):
        self.work = work
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.nodes = [Node("a"), Node("b")]
        self.var = work / "var"
        self.media = work / "media"
        self.static = work / "static"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "PII_ENCRYPTION_KEYS": _fernet_key(),
            "PII_HASH_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": ",".join(node.url for node in self.nodes),
            "WAGTAILADMIN_BASE_URL": self.nodes[0].url,
            "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
            "CELERY_BROKER_URL": f"{REDIS}/{REDIS_DBS[0]}",
            "CACHE_URL": f"{REDIS}/{REDIS_DBS[1]}",
            "PAGE_CACHE_URL": f"{REDIS}/{REDIS_DBS[2]}",
            "TRUSTED_PROXY_COUNT": "1",
            "VAR_DIR": str(self.var),
            "MEDIA_ROOT": str(self.media),
            "STATIC_ROOT": str(self.static),
            "SMS_BACKEND": "accounts.sms.ConsoleSmsBackend",
            # A short demo film and one small rung keep the run short; the pipeline is the same.
            "DEMO_VIDEO_SECONDS": "2",
            "MEDIA_VIDEO_LADDER": "240:300",
            "MEDIA_HLS_SEGMENT_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }

    # -- processes ---------------------------------------------------------------------

    def run(self, name: str, *argv: str, timeout: int = 300) -> None:
        started = time.monotonic()
        log = self.work / f"{name}.log"
        with log.open("w") as out:
            result = subprocess.run(
                argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
            )
        if result.returncode:
            raise SystemExit(f"{name} failed:\n{log.read_text()[-3000:]}")
        print(f"  {name}: {time.monotonic() - started:.1f} s")

    def start(self, name: str, *argv: str) -> subprocess.Popen:
        log = (self.work / f"{name}.log").open("w")
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"  {name} did not stop in time: killed")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def dead(self) -> list[str]:
        return [name for name, process in self.processes if process.poll() is not None]

    # -- the deployment ----------------------------------------------------------------

    def reset_services(self) -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
        for number in REDIS_DBS:
            redis.Redis.from_url(f"{REDIS}/{number}").flushdb()

    def tls_certificate(self) -> tuple[Path, Path]:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        cert_path, key_path = self.work / "tls.crt", self.work / "tls.key"
        cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_path, key_path

    def nginx_config(self, node: Node, cert: Path, key: Path) -> Path:
        prefix = self.work / f"nginx-{node.name}"
        prefix.mkdir()
        site = prefix / "yufang.conf"
        site.write_text(
            render_template(
                TEMPLATE.read_text(),
                {
                    "YUFANG_UPSTREAM": f"127.0.0.1:{node.gunicorn_port}",
                    "YUFANG_HTTP_PORT": f"127.0.0.1:{node.http_port}",
                    "YUFANG_HTTPS_PORT": f"127.0.0.1:{node.https_port}",
                    "YUFANG_TLS_CERT": str(cert),
                    "YUFANG_TLS_KEY": str(key),
                    "YUFANG_STATIC_ROOT": str(self.static),
                    "YUFANG_MEDIA_ROOT": str(self.media),
                },
            )
        )
        # What the nginx image's own nginx.conf does around conf.d/, with every path in the
        # smoke's folder (it runs as root here, so its workers do too and read the 0700 folder).
        main = prefix / "nginx.conf"
        main.write_text(
            f"""daemon off;
user root;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    sendfile on;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""
        )
        subprocess.run([NGINX, "-t", "-q", "-p", str(prefix), "-c", str(main)], check=True)
        return main

    def up(self) -> None:
        started = time.monotonic()
        self.reset_services()
        self.var.mkdir()
        self.media.mkdir()
        manage = (str(BIN / "python"), "manage.py")
        # collectstatic needs no database: beside migrate, as two deploy steps can run.
        collectstatic = self.start(
            "collectstatic", *manage, "collectstatic", "--noinput", "-v", "0"
        )
        self.run("migrate", *manage, "migrate", "--noinput")
        if collectstatic.wait(timeout=300):
            raise SystemExit(f"collectstatic failed: see {self.work / 'collectstatic.log'}")
        self.processes.remove(("collectstatic", collectstatic))
        self.run("load_demo", *manage, "load_demo")
        print(f"  prepared in {time.monotonic() - started:.1f} s")
        cert, key = self.tls_certificate()
        self.start(
            "worker",
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            "default,imports,media",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
        )
        self.start(
            "beat",
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(self.work / "beat-schedule"),
        )
        for node in self.nodes:
            self.start(
                f"gunicorn-{node.name}",
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{node.gunicorn_port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--access-logfile",
                "-",
            )
            main = self.nginx_config(node, cert, key)
            prefix = main.parent
            self.start(f"nginx-{node.name}", NGINX, "-p", str(prefix), "-c", str(main))
        self.cert = cert
        for node in self.nodes:
            wait_for(f"{node.url}/healthz", verify=str(cert), stack=self)
        print(f"  up in {time.monotonic() - started:.1f} s")


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def wait_for(url: str, *, verify: str, stack: Stack, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stack.dead():
            raise SystemExit(f"stopped while starting: {stack.dead()} (logs in {stack.work})")
        try:
            if requests.get(url, verify=verify, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer 200 within {seconds} s (logs in {stack.work})")


class SourceAddressAdapter(HTTPAdapter):
    """Connections from another loopback address, so nginx sees a client that is not itself."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Checks:
    def __init__(self):
        self.passed: list[str] = []
        self.failed: list[str] = []

    def __call__(self, name: str, ok: bool, detail: object = "") -> bool:
        (self.passed if ok else self.failed).append(name)
        print(f"  {'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {detail}"))
        return ok


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise AssertionError("no CSRF token in the form")
    return match.group(1)


def sign_in(session: requests.Session, base: str, email: str, password: str) -> None:
    page = session.get(f"{base}/accounts/staff/login/")
    response = session.post(
        f"{base}/accounts/staff/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": email,
            "password": password,
        },
        headers={"Referer": f"{base}/accounts/staff/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise AssertionError(f"sign-in of {email} answered {response.status_code}")


def session_for(stack: Stack) -> requests.Session:
    session = requests.Session()
    session.verify = str(stack.cert)
    # The machine's CA bundle variables would override `verify` (requests' rule).
    session.trust_env = False
    return session


# -- the checks ---------------------------------------------------------------------------


def check_pages(stack: Stack, check: Checks) -> None:
    a = stack.nodes[0]
    session = session_for(stack)
    home = session.get(f"{a.url}/")
    check("home page 200 through nginx", home.status_code == 200, home.status_code)
    check(
        "Django saw HTTPS from X-Forwarded-Proto (HSTS sent)",
        "max-age" in home.headers.get("Strict-Transport-Security", ""),
        dict(home.headers),
    )
    static = re.search(r'(/static/[^"\']+\.css)', home.text)
    if check("home page links hashed static files", bool(static), home.text[:300]):
        css = session.get(urljoin(a.url, static.group(1)))
        check(
            "static file served by nginx (text/css, nosniff, cached)",
            css.status_code == 200
            and css.headers.get("Content-Type", "").startswith("text/css")
            and css.headers.get("X-Content-Type-Options") == "nosniff"
            and "max-age=31536000" in css.headers.get("Cache-Control", ""),
            (css.status_code, dict(css.headers)),
        )
    # Pictures and share images (og:image) of the publicity pages: renditions made while node A
    # rendered the page, served by node B's nginx from the shared folder.
    pictures = sorted(
        {
            urljoin(stack.nodes[1].url, re.sub(r"^https://[^/]+", "", url))
            for url in re.findall(r'(?:src|content)="((?:https://[^"/]+)?/media/[^"]+)"', home.text)
        }
    )
    if check("home page shows pictures from /media/", bool(pictures), home.text[:300]):
        answers = {}
        for url in pictures[:6]:
            picture = session.get(url)
            answers[url] = (
                picture.status_code,
                picture.headers.get("Content-Type"),
                picture.headers.get("X-Content-Type-Options"),
            )
        check(
            f"{len(answers)} pictures served by node B's nginx (image/*, nosniff)",
            all(
                status == 200 and (kind or "").startswith("image/") and nosniff == "nosniff"
                for status, kind, nosniff in answers.values()
            ),
            answers,
        )
    for url in (f"{a.url}/healthz", f"http://127.0.0.1:{a.http_port}/healthz"):
        health = session.get(url)
        check(f"{url} 200", health.status_code == 200, (health.status_code, health.text))
    plain = session.get(f"http://127.0.0.1:{a.http_port}/", allow_redirects=False)
    check(
        "plain HTTP redirected to HTTPS",
        plain.status_code == 301 and plain.headers.get("Location", "").startswith("https://"),
        (plain.status_code, plain.headers.get("Location")),
    )
    missing = session.get(f"{a.url}/no-such-page-{secrets.token_hex(4)}/")
    check(
        "a missing page is a Chinese 404",
        missing.status_code == 404
        and re.search(r"[\u4e00-\u9fff]", missing.text) is not None
        and "The requested resource was not found" not in missing.text,
        (missing.status_code, missing.text[:200]),
    )


def check_video_on_two_nodes(stack: Stack, check: Checks) -> None:
    import imageio_ffmpeg

    a, b = stack.nodes
    clip = stack.work / "two-nodes.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-nostdin",
         "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         str(clip)],
        check=True,
        timeout=60,
    )  # fmt: skip
    session = session_for(stack)
    sign_in(session, a.url, *SUPERUSER)
    form_url = f"{a.url}/admin/media/video/add/"
    form = session.get(form_url)
    collection = re.search(r'<option value="(\d+)"[^>]*selected', form.text) or re.search(
        r'name="collection"[^>]*>\s*<option value="(\d+)"', form.text
    )
    title = f"两节点 {secrets.token_hex(3)}"
    with clip.open("rb") as content:
        upload = session.post(
            form_url,
            data={
                "csrfmiddlewaretoken": csrf_token(form.text),
                "title": title,
                "collection": collection.group(1) if collection else "1",
                "tags": "",
            },
            files={"file": ("two-nodes.mp4", content, "video/mp4")},
            headers={"Referer": form_url},
            allow_redirects=False,
        )
    if not check(
        "video uploaded in node A's Wagtail admin", upload.status_code == 302, upload.status_code
    ):
        return

    from media.models import MediaItem

    deadline = time.monotonic() + 60
    item = MediaItem.objects.get(title=title)
    while item.status not in (MediaItem.Status.READY, MediaItem.Status.FAILED):
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
        item.refresh_from_db()
    if not check("the worker transcoded it", item.status == MediaItem.Status.READY, item.status):
        return
    player = session.get(f"{b.url}/admin/media/edit/{item.pk}/")
    check("node B's admin knows the item", player.status_code == 200, player.status_code)

    def fetch(url: str, content_type: str, what: str) -> requests.Response:
        response = session_for(stack).get(urljoin(b.url, url))
        check(
            f"{what} from node B's nginx ({content_type}, nosniff)",
            response.status_code == 200
            and response.headers.get("Content-Type", "").startswith(content_type)
            and response.headers.get("X-Content-Type-Options") == "nosniff",
            (url, response.status_code, dict(response.headers)),
        )
        return response

    master = fetch(item.hls.url, "application/vnd.apple.mpegurl", "HLS playlist")
    variants = [line for line in master.text.splitlines() if line and not line.startswith("#")]
    if not check("playlist names its renditions", bool(variants), master.text):
        return
    variant_url = urljoin(urljoin(b.url, item.hls.url), variants[0])
    variant = fetch(variant_url, "application/vnd.apple.mpegurl", "rendition playlist")
    segments = [line for line in variant.text.splitlines() if line and not line.startswith("#")]
    if check("rendition lists segments", bool(segments), variant.text):
        segment = fetch(urljoin(variant_url, segments[0]), "video/mp2t", "HLS segment")
        check("segment is MPEG-TS", segment.content[:1] == b"\x47", segment.content[:8])
    fetch(item.fallback.url, "video/mp4", "MP4 fallback")
    fetch(item.thumbnail.url, "image/jpeg", "poster")
    original = fetch(item.file.url, "application/octet-stream", "uploaded original")
    check(
        "original sent as an attachment",
        original.headers.get("Content-Disposition") == "attachment",
        dict(original.headers),
    )


def check_roster_is_private(stack: Stack, check: Checks) -> None:
    from coverage.models import AuditLog, Enterprise, RosterImport
    from tests.helpers.identities import id_number as id_number_make

    a = stack.nodes[0]
    # Valid, so the row is stored (encrypted) as a person, not only as a rejected row.
    id_number = id_number_make(secrets.randbelow(900) + 100, born="19850312")
    roster = (
        "姓名,身份证号,手机号,岗位类别,部门\n"
        f"冒烟测试,{id_number},13900000123,一线班组长,总装车间\n"
        "坏行,12345,,一线班组长,总装车间\n"
    ).encode()
    enterprise = Enterprise.objects.get(memberships__user__email=ENTERPRISE_ADMIN[0])
    # The enterprise administrator's browser at CLIENT_ADDRESS, forging X-Forwarded-For.
    session = session_for(stack)
    session.mount("https://", SourceAddressAdapter(CLIENT_ADDRESS))
    session.headers["X-Forwarded-For"] = "203.0.113.9"
    sign_in(session, a.url, *ENTERPRISE_ADMIN)
    form_url = f"{a.url}/coverage/enterprises/{enterprise.credit_code}/import/"
    form = session.get(form_url)
    upload = session.post(
        form_url,
        data={"csrfmiddlewaretoken": csrf_token(form.text), "mode": RosterImport.Mode.ADD},
        files={"file": ("名单.csv", roster, "text/csv")},
        headers={"Referer": form_url},
        allow_redirects=False,
    )
    if not check(
        "roster uploaded as the enterprise administrator",
        upload.status_code == 302,
        (upload.status_code, upload.text[:300]),
    ):
        return
    record = RosterImport.objects.filter(enterprise=enterprise).latest("pk")
    name = record.file.name
    anonymous = session_for(stack)
    guesses = [
        f"/media/{name}",
        f"/media/private/{name}",
        f"/private/{name}",
        f"/{name}",
        f"/var/private/{name}",
        f"/media/roster-imports/{Path(name).name}",
        f"/static/../private/{name}",
    ]
    for guesser, who in ((anonymous, "anonymous"), (session, "its own administrator")):
        # Redirects followed (Django adds a slash to some): where they end is what counts.
        answers = {url: guesser.get(f"{a.url}{url}").status_code for url in guesses}
        check(
            f"stored roster under no URL for {who} (404)",
            set(answers.values()) == {404},
            answers,
        )
    preview_url = f"{a.url}/coverage/enterprises/{enterprise.credit_code}/imports/{record.pk}/"
    preview = session.get(preview_url)
    committed = session.post(
        f"{preview_url}commit/",
        data={"csrfmiddlewaretoken": csrf_token(preview.text)},
        headers={"Referer": preview_url},
        allow_redirects=False,
    )
    record.refresh_from_db()
    check(
        "roster committed",
        committed.status_code == 302 and record.status == RosterImport.Status.COMMITTED,
        (committed.status_code, record.status),
    )
    plaintext = id_number.encode()
    leaks = [
        str(path)
        for path in stack.work.rglob("*")
        if path.is_file() and plaintext in path.read_bytes()
    ]
    check(
        "no file of the deployment (logs too) holds the ID number in plain text", not leaks, leaks
    )
    with psycopg.connect(f"{POSTGRES}/{DATABASE}") as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        rows = {
            table: connection.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', [f"%{id_number}%"]
            ).fetchone()[0]
            for table in tables
        }
    check(
        "no row of the database holds the ID number in plain text",
        not any(rows.values()),
        {table: count for table, count in rows.items() if count},
    )

    rejected = session.get(
        f"{a.url}/coverage/enterprises/{enterprise.credit_code}/imports/{record.pk}/rejected.xlsx"
    )
    check("rejected rows downloaded", rejected.status_code == 200, rejected.status_code)
    entry = AuditLog.objects.filter(action=AuditLog.Action.EXPORT).latest("pk")
    check(
        "audit log has the client's address from nginx, not the forged one nor nginx's",
        entry.ip_address == CLIENT_ADDRESS,
        entry.ip_address,
    )


def check_rate_limit_across_nodes(stack: Stack, check: Checks) -> None:
    def request_code(node: Node, phone: str) -> int:
        session = session_for(stack)
        url = f"{node.url}/accounts/login/code/"
        form = session.get(url)
        return session.post(
            url,
            data={"csrfmiddlewaretoken": csrf_token(form.text), "phone": phone},
            headers={"Referer": url},
            allow_redirects=False,
        ).status_code

    a, b = stack.nodes
    phone = "13800000001"
    first = request_code(a, phone)
    check("an SMS code requested on node A", first == 302, first)
    again = request_code(b, phone)
    # allauth answers with the form and its "too many" error; what matters is the SMS.
    sent = sum(
        log.read_text().count(f"SMS to +86{phone} ") for log in stack.work.glob("gunicorn-*.log")
    )
    check(
        "the same number again on node B within the minute: refused, one SMS in all",
        again == 200 and sent == 1,
        (again, sent),
    )
    other = request_code(b, "13800000002")
    check("another number on node B still gets its code", other == 302, other)


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="yufang-smoke-"))
    stack = Stack(work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    check = Checks()
    try:
        print(f"prod-smoke in {work}")
        stack.up()
        os.environ.update(stack.env)
        sys.path[:0] = [str(ROOT), str(ROOT / "site")]
        import django

        django.setup()
        check_pages(stack, check)
        check_video_on_two_nodes(stack, check)
        check_roster_is_private(stack, check)
        check_rate_limit_across_nodes(stack, check)
        check("every process still running", not stack.dead(), stack.dead())
    finally:
        stack.stop()
    print(f"prod-smoke: {time.monotonic() - started:.0f} s")
    print(f"{len(check.passed)} passed, {len(check.failed)} failed")
    if check.failed:
        print(f"logs kept in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
