from wagtail.models import Page, Site

from publicity.models import HomePage

HOME_BODY = [
    {"type": "heading", "value": "2025年底前实现重点企业三类人员培训全覆盖"},
    {
        "type": "paragraph",
        "value": (
            "<p>按照《吉林省工伤预防五年行动计划（2021-2025年）实施方案》，危险化学品、矿山、"
            "建筑施工、交通运输、机械制造等重点行业企业的分管负责人、安全管理部门主要负责人"
            "和一线班组长，要在2025年底前全部参加工伤预防培训。</p>"
        ),
    },
    {
        "type": "call_to_action",
        "value": {
            "title": "职工：手机号登录即可学习",
            "text": "用手机号和短信验证码登录，线上学习课程，线下培训扫码签到。",
            "link_text": "登录学习",
            "url": "/accounts/login/",
        },
    },
]


def home_page_install() -> HomePage:
    """Put the platform's home page at the site root (replacing Wagtail's welcome page)."""
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.get_first_root_node()
    home = HomePage(
        title="吉林省工伤预防培训平台",
        slug="home-page",
        intro="学习工伤预防知识，参加培训，守护自己和工友的安全。",
        body=HOME_BODY,
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "吉林省工伤预防培训平台"
        site.save()
        if old_root.specific_class is Page and old_root.pk != home.pk:
            old_root.delete()
    else:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="吉林省工伤预防培训平台",
        )
    return home
