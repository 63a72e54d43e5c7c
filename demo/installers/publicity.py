"""Chinese demo content for the publicity part, so every page type and both trackers' states
show: articles on each topic, a typical case in each key industry, campaigns in 2025 and 2026
(some key industries without one), and warning-education bases filed in most cities, one city
without one and some counties with bases not yet filed. Needs the regions and key industries
(demo.installers.coverage.demo_coverage_install); safe to re-run."""

import datetime
import io

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from coverage.models import Industry, Region
from publicity.models import (
    ArticleIndexPage,
    ArticlePage,
    CampaignIndexPage,
    CampaignPage,
    CaseIndexPage,
    CasePage,
    FilingStatus,
    HomePage,
    Topic,
    WarningBaseIndexPage,
    WarningBasePage,
    WarningBasePhoto,
)

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


# Plain pictures (no text, so no font is needed): a colour and a motif per subject.
PICTURES = {
    "occupational": ((2, 122, 72), "lungs"),
    "safety": ((11, 92, 171), "helmet"),
    "traffic": ((180, 35, 24), "road"),
    "heart": ((196, 50, 92), "heart"),
    "policy": ((83, 61, 154), "shield"),
    "campaign": ((224, 122, 16), "people"),
    "base": ((60, 72, 88), "building"),
}


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
    colour, motif = PICTURES[key]
    content = ImageFile(io.BytesIO(_picture_bytes(colour, motif)), name=f"demo-{key}.jpg")
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


def _body(*paragraphs: str, quote: tuple[str, str] | None = None) -> list[dict]:
    blocks = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]
    if quote:
        blocks.append({"type": "quote", "value": {"text": quote[0], "attribution": quote[1]}})
    return blocks


# (slug, topic, picture, date, title, summary, tags, paragraphs, quote)
ARTICLES = [
    (
        "dust-lungs",
        Topic.OCCUPATIONAL_DISEASE,
        "occupational",
        datetime.date(2025, 4, 25),
        "粉尘作业岗位如何预防尘肺病",
        "尘肺病无法治愈但完全可以预防：湿式作业、通风除尘、正确佩戴防尘口罩缺一不可。",
        ["尘肺病", "防尘口罩"],
        [
            "尘肺病是我国最主要的职业病，一旦患病无法逆转。矿山、建材、机械铸造等岗位粉尘浓度高，是防治重点。",
            "企业要落实湿式作业和通风除尘，定期检测粉尘浓度；职工要正确佩戴KN95及以上防尘口罩，按时参加职业健康检查。",
        ],
        ("口罩戴得严，肺才能保得住。", "某铸造厂老班长"),
    ),
    (
        "noise-hearing",
        Topic.OCCUPATIONAL_DISEASE,
        "occupational",
        datetime.date(2025, 5, 12),
        "噪声聋：看不见的职业伤害",
        "长期在85分贝以上环境工作，听力会悄悄下降。耳塞、耳罩和定期听力检查是关键。",
        ["噪声", "职业健康检查"],
        [
            "机械加工、冲压、纺织等车间噪声普遍超过85分贝。噪声聋早期没有明显感觉，发现时往往已难以恢复。",
            "用人单位应采取隔声降噪措施，为职工配备合格的护听器，并组织岗前、在岗、离岗职业健康检查。",
        ],
        None,
    ),
    (
        "chemical-poisoning",
        Topic.OCCUPATIONAL_DISEASE,
        "occupational",
        datetime.date(2026, 3, 2),
        "化工企业职业中毒防范要点",
        "有限空间作业“先通风、再检测、后作业”，未经检测严禁进入。",
        ["有限空间", "中毒"],
        [
            "化工企业的储罐、管道、污水池等有限空间容易积聚有毒气体。",
            "作业前必须审批、通风、检测，配备正压式呼吸器和监护人员，严禁盲目施救。",
        ],
        None,
    ),
    (
        "safety-month",
        Topic.SAFETY_PRODUCTION,
        "safety",
        datetime.date(2025, 6, 1),
        "“安全生产月”来了：人人讲安全 个个会应急",
        "今年安全生产月以“人人讲安全、个个会应急”为主题，全省各地将开展应急演练和隐患排查。",
        ["安全生产月", "应急演练"],
        [
            "6月是全国“安全生产月”。全省各级人社、应急管理部门将联合开展集中宣传、应急演练和隐患排查治理。",
            "企业要组织全员参加应急疏散演练，一线班组长要带头讲安全、查隐患。",
        ],
        ("安全不是口号，是每天上岗前的那一次检查。", "长春某机械厂安全员"),
    ),
    (
        "height-work",
        Topic.SAFETY_PRODUCTION,
        "safety",
        datetime.date(2025, 8, 18),
        "高处作业“十不登高”",
        "高处坠落是建筑施工第一大事故类型，牢记“十不登高”可以避免大多数悲剧。",
        ["高处作业", "建筑施工"],
        [
            "安全带不系不登高、患有禁忌症不登高、恶劣天气不登高……这些看似简单的规定，是用血的教训换来的。",
            "施工单位要设置防护栏杆和安全网，班组长每天班前检查安全带和脚手架。",
        ],
        None,
    ),
    (
        "machine-guard",
        Topic.SAFETY_PRODUCTION,
        "safety",
        datetime.date(2026, 2, 20),
        "机械设备防护罩不能拆",
        "为了图方便拆掉防护罩，是机械伤害事故最常见的原因之一。",
        ["机械伤害", "防护装置"],
        [
            "冲床、车床、皮带输送机的防护装置必须完好有效，检修时要停机、断电、挂牌上锁。",
            "严禁戴手套操作旋转设备，长发要盘起并戴工作帽。",
        ],
        None,
    ),
    (
        "commute-safety",
        Topic.TRAFFIC,
        "traffic",
        datetime.date(2025, 9, 10),
        "上下班途中交通安全提示",
        "上下班途中发生非本人主要责任的交通事故，可以认定为工伤；但最好的保障是平安到家。",
        ["上下班途中", "电动车"],
        [
            "骑电动车要佩戴头盔，不闯红灯、不逆行；驾驶机动车不超速、不疲劳驾驶、不接打手机。",
            "冬季路面结冰，出行要提前出门、减速慢行。",
        ],
        None,
    ),
    (
        "truck-drivers",
        Topic.TRAFFIC,
        "traffic",
        datetime.date(2026, 1, 15),
        "货车司机防疲劳驾驶“四个一”",
        "连续驾驶不超过4小时，每次休息不少于20分钟。",
        ["疲劳驾驶", "交通运输"],
        [
            "交通运输企业要用好动态监控，及时提醒超时驾驶。",
            "司机做到“一查车况、一看天气、一定线路、一到点就歇”。",
        ],
        ("再赶时间，也不差那二十分钟。", "延边某物流公司驾驶员"),
    ),
    (
        "heart-on-duty",
        Topic.CARDIOVASCULAR,
        "heart",
        datetime.date(2025, 10, 29),
        "工作中突发胸痛怎么办",
        "工作时间和岗位上突发疾病死亡或48小时内抢救无效死亡的，视同工伤。早识别、早呼救最重要。",
        ["胸痛", "急救"],
        [
            "持续胸痛、胸闷、出冷汗可能是急性心梗，应立即停止工作、拨打120，不要自行走动。",
            "企业可配备AED并组织职工学习心肺复苏。",
        ],
        None,
    ),
    (
        "blood-pressure",
        Topic.CARDIOVASCULAR,
        "heart",
        datetime.date(2026, 4, 8),
        "倒班职工要管好血压",
        "长期夜班、熬夜和高盐饮食会让血压升高，定期测量、规律服药是防止脑卒中的关键。",
        ["高血压", "倒班"],
        [
            "40岁以上职工每年至少测量一次血压，已确诊高血压的要遵医嘱服药。",
            "班组可以在交接班时提醒大家喝水、活动。",
        ],
        None,
    ),
    (
        "injury-recognition",
        Topic.INSURANCE_POLICY,
        "policy",
        datetime.date(2025, 3, 20),
        "工伤认定申请时限与材料",
        "用人单位应在事故发生之日起30日内提出工伤认定申请，职工或近亲属可在1年内申请。",
        ["工伤认定", "申请时限"],
        [
            "申请工伤认定需提交申请表、劳动关系证明和医疗诊断证明。",
            "用人单位未按时申请的，在此期间发生的工伤待遇由用人单位负担。",
        ],
        None,
    ),
    (
        "prevention-fund",
        Topic.INSURANCE_POLICY,
        "policy",
        datetime.date(2026, 5, 6),
        "工伤预防费用可以用来做什么",
        "工伤预防费主要用于宣传和培训，企业和培训机构可按规定申请培训项目。",
        ["工伤预防费", "培训项目"],
        [
            "工伤预防费用从工伤保险基金中列支，用于工伤事故和职业病预防的宣传、培训等。",
            "重点行业企业的三类人员培训，可以通过本平台线上学习或参加线下集中培训。",
        ],
        None,
    ),
]

# (slug, industry, county or city, date, accident type, title, summary, what happened,
#  causes, lessons, prevention)
CASES = [
    (
        "tank-cleaning",
        "hazardous_chemicals",
        "220202",
        datetime.date(2024, 7, 16),
        "poisoning",
        "储罐清洗作业中毒窒息事故",
        "两名工人未经检测进入储罐清洗，一人中毒，施救者也倒下。",
        "某化工企业安排两名工人清洗苯储罐。一名工人未检测气体浓度即进入罐内，随即晕倒；另一名工人未佩戴呼吸器下罐施救，也中毒倒地。",
        "未执行有限空间作业审批；未通风检测；未配备防护用品和监护人；盲目施救。",
        "有限空间作业必须“先通风、再检测、后作业”，施救者也必须先做好自身防护。",
        "建立有限空间台账和审批制度，配备气体检测仪、正压式呼吸器，每年开展应急救援演练。",
    ),
    (
        "mine-roof",
        "mining",
        "220502",
        datetime.date(2024, 11, 3),
        "collapse",
        "井下顶板冒落事故",
        "掘进工作面支护不及时，顶板冒落造成一人重伤。",
        "某矿掘进工作面放炮后，班长为赶进度未及时打锚杆支护就安排出渣，顶板突然冒落，砸伤一名工人。",
        "违反“先支护后作业”规定；现场安全员未制止；班前未进行敲帮问顶。",
        "进度再紧也不能省去支护；班组长是现场安全的第一道关。",
        "严格执行敲帮问顶和临时支护制度，安全员全程跟班，违规作业一律停工。",
    ),
    (
        "scaffold-fall",
        "construction",
        "220102",
        datetime.date(2025, 5, 21),
        "fall_from_height",
        "外墙脚手架高处坠落事故",
        "一名工人在未系安全带的情况下拆除脚手架，从12米高处坠落。",
        "长春市南关区某住宅工地，一名架子工拆除外墙脚手架时未系安全带，脚下踩空从约12米高处坠落，经抢救脱离危险，落下残疾。",
        "未系安全带；拆除作业无专人监护；安全网缺失。",
        "安全带是高处作业的“生命带”，拆除作业比搭设更危险。",
        "拆除前进行安全技术交底，设置警戒区，专人监护，安全带高挂低用。",
    ),
    (
        "forklift",
        "transport",
        "220103",
        datetime.date(2025, 1, 9),
        "vehicle",
        "物流仓库叉车倒车撞人事故",
        "叉车倒车时未观察后方，撞伤正在理货的职工。",
        "某运输企业仓库内，叉车司机倒车时未鸣笛、未观察后方，将正在理货的一名职工挤压在货架上，造成骨折。",
        "叉车无倒车报警装置；人车未分流；司机未按规程操作。",
        "仓库里人车混行，随时可能发生事故。",
        "划分人行通道和叉车通道，加装倒车雷达和蓝光警示灯，司机持证上岗。",
    ),
    (
        "press-hand",
        "machinery",
        "220104",
        datetime.date(2025, 8, 2),
        "machinery",
        "冲床压手事故",
        "操作工拆除光电保护装置后作业，右手被冲床压伤。",
        "长春市朝阳区某机械制造企业，一名冲压工嫌光电保护装置“碍事”将其屏蔽，取放工件时冲床误动作，右手三根手指被压断。",
        "擅自拆除安全防护装置；设备点检流于形式；新员工培训不足。",
        "防护装置是最后一道屏障，拆掉它就是把手放进危险区。",
        "安全装置纳入每日点检，拆除须审批；推广双手按钮和安全工装。",
    ),
    (
        "commute-ice",
        "transport",
        "222401",
        datetime.date(2025, 12, 12),
        "commuting_traffic",
        "身边工伤事件：冰雪路面上班途中摔伤",
        "职工骑电动车上班途中在结冰路面摔倒骨折，依法认定为工伤。",
        "延吉市某物流公司职工冬季早晨骑电动车上班，在结冰路段与一辆车刮碰后摔倒，左腿骨折。交警认定其不负主要责任。",
        "冰雪路面车速过快；未佩戴头盔。",
        "上下班途中的安全同样重要，单位也要把通勤安全纳入提醒。",
        "冬季提前出门、减速慢行、佩戴头盔；企业可调整冰雪天气上班时间。",
    ),
]

# (slug, industry, region, year, start, days, title, summary, organiser, reach tuple, live)
CAMPAIGNS = [
    (
        "2025-cc-construction",
        "construction",
        "220100",
        2025,
        datetime.date(2025, 6, 3),
        20,
        "2025年长春市建筑施工工伤预防集中宣传月",
        "走进120个在建工地，开展高处坠落警示教育和安全带实操演示。",
        "长春市人力资源和社会保障局",
        (18600, 120, 26000, 95000),
        True,
    ),
    (
        "2025-cy-machinery",
        "machinery",
        "220104",
        2025,
        datetime.date(2025, 9, 8),
        10,
        "2025年朝阳区机械制造企业“防护装置不能拆”宣传周",
        "在全区42家机械制造企业开展冲压设备安全宣讲和隐患随手拍。",
        "长春市朝阳区人力资源和社会保障局",
        (5200, 42, 8000, 31000),
        True,
    ),
    (
        "2025-jl-chemicals",
        "hazardous_chemicals",
        "220200",
        2025,
        datetime.date(2025, 5, 12),
        15,
        "2025年吉林市危险化学品企业有限空间作业安全宣传",
        "化工园区集中开展有限空间中毒窒息警示教育和应急救援演练。",
        "吉林市人力资源和社会保障局",
        (9400, 65, 15000, 42000),
        True,
    ),
    (
        "2025-th-mining",
        "mining",
        "220500",
        2025,
        datetime.date(2025, 7, 1),
        30,
        "2025年通化市矿山企业顶板安全宣传月",
        "下井宣讲“先支护后作业”，发放口袋书和警示挂图。",
        "通化市人力资源和社会保障局",
        (6100, 28, 12000, 18000),
        True,
    ),
    (
        "2025-yb-transport",
        "transport",
        "222400",
        2025,
        datetime.date(2025, 11, 20),
        14,
        "2025年延边州交通运输行业冬季行车安全宣传",
        "面向货运和客运驾驶员开展冰雪路面安全驾驶和防疲劳驾驶宣传。",
        "延边朝鲜族自治州人力资源和社会保障局",
        (7800, 55, 9000, 36000),
        True,
    ),
    (
        "2025-cc-transport-draft",
        "transport",
        "220100",
        2025,
        datetime.date(2025, 12, 1),
        10,
        "2025年长春市交通运输行业宣传（草稿）",
        "尚未发布的计划稿。",
        "长春市人力资源和社会保障局",
        (0, 0, 0, 0),
        False,
    ),
    (
        "2026-province-transport",
        "transport",
        "220000",
        2026,
        datetime.date(2026, 4, 1),
        30,
        "2026年全省交通运输行业工伤预防集中宣传月",
        "全省九个市州同步开展驾驶员安全培训、典型案例巡讲和线上答题。",
        "吉林省人力资源和社会保障厅",
        (52000, 640, 80000, 410000),
        True,
    ),
    (
        "2026-cc-chemicals",
        "hazardous_chemicals",
        "220100",
        2026,
        datetime.date(2026, 5, 10),
        15,
        "2026年长春市危险化学品企业工伤预防宣传",
        "走进化工企业开展中毒窒息案例警示和应急器材实操。",
        "长春市人力资源和社会保障局",
        (8300, 47, 11000, 26000),
        True,
    ),
    (
        "2026-ng-construction",
        "construction",
        "220102",
        2026,
        datetime.date(2026, 6, 2),
        10,
        "2026年南关区建筑工地“安全带高挂低用”宣传周",
        "在南关区在建项目开展高处作业警示教育和安全带体验。",
        "长春市南关区人力资源和社会保障局",
        (3600, 31, 5000, 12000),
        True,
    ),
    (
        "2026-jl-mining",
        "mining",
        "220200",
        2026,
        datetime.date(2026, 7, 6),
        20,
        "2026年吉林市矿山企业工伤预防宣传",
        "组织非煤矿山企业开展顶板和机电安全宣讲。",
        "吉林市人力资源和社会保障局",
        (2900, 12, 4000, 9000),
        True,
    ),
]

# (slug, region, title, host, address, hours, contact, phone, status, filed on)
BASES = [
    (
        "changchun",
        "220100",
        "长春市工伤预防警示教育基地",
        "长春市安全生产培训中心",
        "长春市南关区南环城路1588号",
        "周二至周六 9:00-16:00",
        "王老师",
        "0431-8888 1001",
        FilingStatus.FILED,
        datetime.date(2023, 6, 15),
    ),
    (
        "nanguan",
        "220102",
        "南关区建筑施工安全体验馆",
        "长春示范建工集团有限公司",
        "长春市南关区建工大厦一层",
        "工作日 8:30-16:30",
        "李工",
        "0431-8888 1002",
        FilingStatus.FILED,
        datetime.date(2024, 3, 8),
    ),
    (
        "chaoyang",
        "220104",
        "朝阳区机械制造安全警示教育室",
        "长春示范机械制造有限公司",
        "长春市朝阳区工农大路2号",
        "预约参观",
        "赵主任",
        "0431-8888 1003",
        FilingStatus.FILED,
        datetime.date(2024, 9, 20),
    ),
    (
        "gongzhuling",
        "220184",
        "公主岭市工伤预防宣传教育展厅",
        "公主岭市人社局",
        "公主岭市河南大街88号",
        "工作日 9:00-16:00",
        "孙老师",
        "0434-6666 1004",
        FilingStatus.NOT_FILED,
        None,
    ),
    (
        "jilin",
        "220200",
        "吉林市化工园区警示教育基地",
        "吉林市示范化工有限公司",
        "吉林市龙潭区化工园区1号",
        "周一至周五 9:00-15:30",
        "周工",
        "0432-6666 1005",
        FilingStatus.FILED,
        datetime.date(2023, 11, 2),
    ),
    (
        "chuanying",
        "220204",
        "船营区安全生产警示教育馆",
        "船营区应急管理局",
        "吉林市船营区北京路18号",
        "周三、周五 9:00-16:00",
        "吴老师",
        "0432-6666 1006",
        FilingStatus.FILED,
        datetime.date(2025, 4, 18),
    ),
    (
        "siping",
        "220300",
        "四平市工伤预防警示教育基地",
        "四平市职业技能实训中心",
        "四平市铁西区英雄大路66号",
        "工作日 9:00-16:00",
        "郑老师",
        "0434-3333 1007",
        FilingStatus.FILED,
        datetime.date(2024, 5, 30),
    ),
    (
        "liaoyuan",
        "220400",
        "辽源市安全生产警示教育基地",
        "辽源市矿业集团",
        "辽源市龙山区人民大街120号",
        "预约参观",
        "冯主任",
        "0437-3333 1008",
        FilingStatus.FILED,
        datetime.date(2024, 8, 12),
    ),
    (
        "tonghua",
        "220500",
        "通化市矿山安全警示教育基地",
        "通化示范矿业有限公司",
        "通化市东昌区新华大街9号",
        "周二至周六 9:00-16:00",
        "陈工",
        "0435-3333 1009",
        FilingStatus.FILED,
        datetime.date(2023, 10, 9),
    ),
    (
        "baishan",
        "220600",
        "白山市工伤预防警示教育基地",
        "白山市安全培训中心",
        "白山市浑江区浑江大街5号",
        "工作日 8:30-16:00",
        "褚老师",
        "0439-3333 1010",
        FilingStatus.FILED,
        datetime.date(2025, 2, 26),
    ),
    (
        "songyuan",
        "220700",
        "松原市油田安全警示教育基地",
        "松原市石油技工学校",
        "松原市宁江区沿江路77号",
        "预约参观",
        "卫老师",
        "0438-3333 1011",
        FilingStatus.FILED,
        datetime.date(2024, 12, 3),
    ),
    (
        "baicheng",
        "220800",
        "白城市工伤预防警示教育基地（筹）",
        "白城市人社局",
        "白城市洮北区中兴西大路18号",
        "建设中",
        "蒋老师",
        "0436-3333 1012",
        FilingStatus.PENDING,
        None,
    ),
    (
        "taobei",
        "220802",
        "洮北区交通安全警示教育室",
        "洮北区交通运输局",
        "白城市洮北区海明路3号",
        "工作日 9:00-16:00",
        "沈老师",
        "0436-3333 1013",
        FilingStatus.FILED,
        datetime.date(2025, 6, 6),
    ),
    (
        "yanbian",
        "222400",
        "延边州工伤预防警示教育基地",
        "延边州职业技术学院",
        "延吉市长白山西路18号",
        "周一至周五 9:00-16:00",
        "韩老师",
        "0433-3333 1014",
        FilingStatus.FILED,
        datetime.date(2024, 4, 22),
    ),
    (
        "yanji",
        "222401",
        "延吉市物流行业安全体验馆",
        "延边示范物流有限公司",
        "延吉市朝阳街物流园3号",
        "预约参观",
        "杨经理",
        "0433-3333 1015",
        FilingStatus.FILED,
        datetime.date(2025, 9, 1),
    ),
]


@transaction.atomic
def publicity_demo_install() -> HomePage:
    """The home page, the four indexes and their demo pages; safe to re-run."""
    home = home_page_install()
    regions = {region.code: region for region in Region.objects.all()}
    industries = {industry.code: industry for industry in Industry.objects.filter(is_key=True)}

    articles = _child(
        home,
        ArticleIndexPage,
        "articles",
        title="宣传文章",
        intro="职业病防治、安全生产、交通事故防范、心脑血管疾病防治和工伤保险政策。",
    )
    for slug, topic, picture, date, title, summary, tags, paragraphs, quote in ARTICLES:
        _child(
            articles,
            ArticlePage,
            slug,
            title=title,
            summary=summary,
            topic=topic,
            date=date,
            listing_image=_picture(picture),
            body=_body(*paragraphs, quote=quote),
            tags=tags,
        )

    cases = _child(
        home,
        CaseIndexPage,
        "cases",
        title="典型案例",
        intro="重点行业典型工伤事故和身边工伤事件：经过、原因、教训和防范措施。",
    )
    for (
        slug,
        industry,
        region,
        date,
        kind,
        title,
        summary,
        happened,
        causes,
        lessons,
        prevention,
    ) in CASES:
        _child(
            cases,
            CasePage,
            slug,
            title=title,
            summary=summary,
            industry=industries[industry],
            region=regions[region],
            occurred_on=date,
            accident_type=kind,
            what_happened=f"<p>{happened}</p>",
            causes=f"<p>{causes}</p>",
            lessons=f"<p>{lessons}</p>",
            prevention=f"<p>{prevention}</p>",
        )

    campaigns = _child(
        home,
        CampaignIndexPage,
        "campaigns",
        title="集中宣传活动",
        intro="每个重点行业每年至少开展一次集中宣传活动。",
    )
    for (
        slug,
        industry,
        region,
        year,
        start,
        days,
        title,
        summary,
        organiser,
        reach,
        live,
    ) in CAMPAIGNS:
        participants, enterprises, materials, views = reach
        _child(
            campaigns,
            CampaignPage,
            slug,
            publish=live,
            title=title,
            summary=summary,
            industry=industries[industry],
            region=regions[region],
            year=year,
            start_date=start,
            end_date=start + datetime.timedelta(days=days),
            organiser=organiser,
            participants=participants,
            enterprises_reached=enterprises,
            materials_distributed=materials,
            online_views=views,
            listing_image=_picture("campaign"),
            body=_body(f"{summary}活动期间，组织专家进企业宣讲，发放宣传资料，开展线上知识答题。"),
        )

    bases = _child(
        home,
        WarningBaseIndexPage,
        "bases",
        title="警示教育基地",
        intro="全省各市（州）、县（市、区）工伤预防警示教育基地名录，欢迎企业组织职工参观。",
    )
    for slug, region, title, host, address, hours, contact, phone, status, filed_on in BASES:
        base = WarningBasePage.objects.child_of(bases).filter(slug=slug).first()
        if base is None:
            base = WarningBasePage(
                slug=slug,
                title=title,
                region=regions[region],
                host=host,
                address=address,
                opening_hours=hours,
                contact_name=contact,
                contact_phone=phone,
                filing_status=status,
                filed_on=filed_on,
                filing_number=f"JL-JSJD-{filed_on.year}-{region}" if filed_on else "",
                summary=f"{host}承办，面向{regions[region].name}企业职工开展工伤预防警示教育。",
            )
            base.photos = [WarningBasePhoto(image=_picture("base"), caption="展厅一角")]
            bases.add_child(instance=base)
            base.save_revision().publish()

    if home.featured_campaign_id is None:
        home.featured_campaign = CampaignPage.objects.get(slug="2026-province-transport")
        home.save_revision().publish()
    return home
