"""Chinese demo content for the publicity part, so every page type and both trackers' states
show: articles on each topic, a typical case in each key industry, campaigns in 2025 and 2026
(some key industries without one), and warning-education bases filed in most cities, one city
without one and some counties with bases not yet filed. Needs the regions and key industries
(demo.installers.coverage.demo_coverage_install); safe to re-run. The content is in
demo/content/: publicity.toml (home page, indexes, pictures), articles.toml, cases.toml,
campaigns.toml and bases.toml."""

import datetime
import io

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from coverage.designations.selectors import industries_key
from coverage.models import Region
from demo.content import content_load
from publicity.models import (
    ArticleIndexPage,
    ArticlePage,
    CampaignIndexPage,
    CampaignPage,
    CaseIndexPage,
    CasePage,
    HomePage,
    WarningBaseIndexPage,
    WarningBasePage,
    WarningBasePhoto,
)

_FRAME = content_load("publicity")


def home_page_install() -> HomePage:
    """Put the platform's home page at the site root (replacing Wagtail's welcome page)."""
    home = HomePage.objects.first()
    if home:
        return home
    spec = _FRAME["home"]
    root = Page.get_first_root_node()
    home = HomePage(title=spec["title"], slug=spec["slug"], intro=spec["intro"], body=spec["body"])
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        old_root = site.root_page
        site.root_page = home
        site.site_name = spec["site_name"]
        site.save()
        if old_root.specific_class is Page and old_root.pk != home.pk:
            old_root.delete()
    else:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=spec["site_name"],
        )
    return home


def _picture_bytes(colour: tuple[int, int, int], motif: str) -> bytes:
    from PIL import Image, ImageDraw

    width, height = 1280, 720
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    light = (255, 255, 255)
    draw.rectangle([0, height - 120, width, height], fill=tuple(max(c - 40, 0) for c in colour))
    cx, cy = width // 2, height // 2 - 40
    if motif == "helmet":
        draw.pieslice([cx - 220, cy - 200, cx + 220, cy + 240], 180, 360, fill=(247, 201, 72))
        draw.rectangle([cx - 260, cy + 10, cx + 260, cy + 50], fill=(247, 201, 72))
    elif motif == "road":
        draw.polygon(
            [(cx - 80, cy - 220), (cx + 80, cy - 220), (cx + 320, cy + 260), (cx - 320, cy + 260)],
            fill=(60, 60, 60),
        )
        for step in range(4):
            y = cy - 180 + step * 120
            draw.rectangle([cx - 10 - step * 4, y, cx + 10 + step * 4, y + 60], fill=light)
    elif motif == "heart":
        draw.ellipse([cx - 200, cy - 160, cx, cy + 40], fill=light)
        draw.ellipse([cx, cy - 160, cx + 200, cy + 40], fill=light)
        draw.polygon([(cx - 196, cy - 30), (cx + 196, cy - 30), (cx, cy + 230)], fill=light)
    elif motif == "lungs":
        draw.ellipse([cx - 230, cy - 170, cx - 20, cy + 220], fill=light)
        draw.ellipse([cx + 20, cy - 170, cx + 230, cy + 220], fill=light)
        draw.rectangle([cx - 12, cy - 260, cx + 12, cy - 60], fill=light)
    elif motif == "people":
        for offset in (-260, 0, 260):
            draw.ellipse([cx + offset - 60, cy - 200, cx + offset + 60, cy - 80], fill=light)
            draw.pieslice(
                [cx + offset - 120, cy - 60, cx + offset + 120, cy + 240], 180, 360, fill=light
            )
    elif motif == "building":
        draw.rectangle([cx - 300, cy - 120, cx + 300, cy + 240], fill=light)
        draw.polygon([(cx - 340, cy - 120), (cx, cy - 280), (cx + 340, cy - 120)], fill=light)
        for x in range(-220, 260, 110):
            draw.rectangle([cx + x, cy - 60, cx + x + 50, cy + 240], fill=colour)
    else:
        draw.polygon(
            [
                (cx - 200, cy - 220),
                (cx + 200, cy - 220),
                (cx + 200, cy + 20),
                (cx, cy + 260),
                (cx - 200, cy + 20),
            ],
            fill=light,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _picture(key: str):
    image_model = get_image_model()
    title = f"示例配图：{key}"
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    picture = _FRAME["pictures"][key]
    content = ImageFile(
        io.BytesIO(_picture_bytes(tuple(picture["colour"]), picture["motif"])),
        name=f"demo-{key}.jpg",
    )
    return image_model.objects.create(title=title, file=content)


def _child(parent: Page, model, slug: str, *, publish: bool = True, tags=(), **fields):
    """The page under the parent with this slug, created (and published) when missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(slug=slug, live=publish, **fields)
    for tag in tags:
        page.tags.add(tag)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page


def _index(home: HomePage, model, slug: str):
    """A section index under the home page, as publicity.toml's [indexes] describe it."""
    return _child(home, model, slug, **_FRAME["indexes"][slug])


def _body(*paragraphs: str, quote: dict | None = None) -> list[dict]:
    """Paragraphs of text and a quote ({text, attribution}) as a StreamField value."""
    blocks = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]
    if quote:
        blocks.append(
            {"type": "quote", "value": {"text": quote["text"], "attribution": quote["attribution"]}}
        )
    return blocks


@transaction.atomic
def publicity_demo_install() -> HomePage:
    """The home page, the four indexes and their demo pages; safe to re-run."""
    home = home_page_install()
    regions = {region.code: region for region in Region.objects.all()}
    industries = {industry.code: industry for industry in industries_key()}

    articles = _index(home, ArticleIndexPage, "articles")
    for spec in content_load("articles")["articles"]:
        _child(
            articles,
            ArticlePage,
            spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            topic=spec["topic"],
            date=spec["date"],
            listing_image=_picture(spec["picture"]),
            body=_body(*spec["paragraphs"], quote=spec.get("quote")),
            tags=spec["tags"],
        )

    cases = _index(home, CaseIndexPage, "cases")
    for spec in content_load("cases")["cases"]:
        _child(
            cases,
            CasePage,
            spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            industry=industries[spec["industry"]],
            region=regions[spec["region"]],
            occurred_on=spec["occurred_on"],
            accident_type=spec["accident_type"],
            what_happened=f"<p>{spec['what_happened']}</p>",
            causes=f"<p>{spec['causes']}</p>",
            lessons=f"<p>{spec['lessons']}</p>",
            prevention=f"<p>{spec['prevention']}</p>",
        )

    campaigns = _index(home, CampaignIndexPage, "campaigns")
    content = content_load("campaigns")
    for spec in content["campaigns"]:
        _child(
            campaigns,
            CampaignPage,
            spec["slug"],
            publish=spec["live"],
            title=spec["title"],
            summary=spec["summary"],
            industry=industries[spec["industry"]],
            region=regions[spec["region"]],
            year=spec["year"],
            start_date=spec["start_date"],
            end_date=spec["start_date"] + datetime.timedelta(days=spec["days"]),
            organiser=spec["organiser"],
            participants=spec["participants"],
            enterprises_reached=spec["enterprises_reached"],
            materials_distributed=spec["materials_distributed"],
            online_views=spec["online_views"],
            listing_image=_picture("campaign"),
            body=_body(content["body"].format(summary=spec["summary"])),
        )

    bases = _index(home, WarningBaseIndexPage, "bases")
    content = content_load("bases")
    for spec in content["bases"]:
        base = WarningBasePage.objects.child_of(bases).filter(slug=spec["slug"]).first()
        if base is None:
            region = regions[spec["region"]]
            filed_on = spec.get("filed_on")
            base = WarningBasePage(
                slug=spec["slug"],
                title=spec["title"],
                region=region,
                host=spec["host"],
                address=spec["address"],
                opening_hours=spec["opening_hours"],
                contact_name=spec["contact_name"],
                contact_phone=spec["contact_phone"],
                filing_status=spec["filing_status"],
                filed_on=filed_on,
                filing_number=content["filing_number"].format(
                    year=filed_on.year, region=region.code
                )
                if filed_on
                else "",
                summary=content["summary"].format(host=spec["host"], region=region.name),
            )
            base.photos = [
                WarningBasePhoto(image=_picture("base"), caption=content["photo_caption"])
            ]
            bases.add_child(instance=base)
            base.save_revision().publish()

    if home.featured_campaign_id is None:
        home.featured_campaign = CampaignPage.objects.get(slug=_FRAME["home"]["featured_campaign"])
        home.save_revision().publish()
    return home
