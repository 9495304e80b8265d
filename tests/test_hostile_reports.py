"""A hostile copy of the sample, run through the real report runner: nothing turns a page
against its reader.

Campaign names and notes, survey answers, Search Console queries and GA4 page paths carry
links, images, scripts, entities, maths, bidi overrides, personal data and a
100,000-character answer. Every page, ``summary.json``, ``status.json`` and
``index.html`` is then checked: no ``javascript:`` or outside URL in any ``href`` or
``src``, no script, no ``on*`` attribute, no personal data, no server path, the hostile
text shown as text. With Chromium installed, the same checks run on the DOM the browser
builds.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from darksocial import config, reporting

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

RLO = "\u202e"
NAME_LINKS = "[click](javascript:alert(1)) ![x](http://outside.example/b.gif)"
NAME_ENTITY = "[x](javascript&#58;alert(1)) www.outside.example"
NAME_MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)>"
NAME_MONEY = "$$$ Big Savings $$$ from $50 to $99"
#: Personal data planted in answers, notes and a date cell; none may reach any output.
PERSONAL = [
    "marie@localhost",
    "jo＠example.com",
    "0612345678",
    "06 98 76 54 32",
    "FR76 3000 6000 0112 3456 7890 189",
    "DE89 3704 0044 0532 0130 00",
    "4111 1111 1111 1111",
]
ANSWERS = [
    "[click](javascript:alert(1)) heard on a podcast",
    "![x](http://outside.example/b.gif) a colleague",
    "<img src=x onerror=alert(1)> linkedin",
    "$x^2$ and $50 from a friend",
    f"{RLO}gnp.exe a friend",
    "write to marie@localhost or jo＠example.com",
    "tel0612345678 or 0612345678pls",
    "06 12 34 56 78 06 98 76 54 32",
    "my IBAN FR76 3000 6000 0112 3456 7890 189 and DE89 3704 0044 0532 0130 00",
    "card 4111 1111 1111 1111",
    "podcast " + "z" * 100_000,
]


def _hostile_copy(target: Path) -> Path:
    shutil.copytree(config.SAMPLE_DIR, target)
    cal = target / "campaigns.yml"
    text = cal.read_text(encoding="utf-8")
    for old, new in (
        ("The Tool Crib podcast, season 1 sponsorship", f"{NAME_LINKS} {RLO}gnp.exe"),
        ("Site managers webinar series", NAME_ENTITY),
        ("Meta awareness ads, spring 2025", NAME_MARKUP),
        ("ToolExpo Lyon 2025 booth", NAME_MONEY),
        (
            "Host-read ads in 8 weekly episodes; no tracking link, promo code only.",
            "Contact marie@localhost, 0612345678, FR76 3000 6000 0112 3456 7890 189",
        ),
    ):
        assert old in text, old
        text = text.replace(old, json.dumps(new))
    cal.write_text(text, encoding="utf-8")
    survey = target / "survey" / "how_did_you_hear.csv"
    rows = [
        f'3041299{i:04d},2025-02-{10 + i:02d} 10:00,DIRECT_TRAFFIC,www.trackmytools.com,"{a}"'
        for i, a in enumerate(ANSWERS)
    ]
    with survey.open("a", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    sc = target / "search_console" / "searchdata_site_impression.csv"
    with sc.open("a", encoding="utf-8") as f:
        for q in ("<script>alert(1)</script>", "[x](javascript:alert(1))", f"{RLO}gnp.exe"):
            f.write(f'2025-03-03,https://www.trackmytools.com/,"{q}",false,fra,WEB,MOBILE,3,1,9\n')
    ga4 = target / "ga4" / "Landing_page_Landing_page.csv"
    with ga4.open("a", encoding="utf-8") as f:
        f.write('20250303,"/<img src=x onerror=alert(1)>/[x](javascript:alert(1))",2\n')
    return target


class _Attributes(HTMLParser):
    """Every tag with its attributes, entities decoded as a browser does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)


def _check_dom(page: str, where: str) -> str:
    parser = _Attributes()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag != "script", f"{where}: a <script> element"
        assert tag not in ("iframe", "object", "embed", "base", "form"), f"{where}: <{tag}>"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{where}: <{tag} {name}=...>"
            if name in ("href", "src", "srcset", "action", "formaction", "poster", "data"):
                url = re.sub(r"\s", "", value).lower()
                assert not url.startswith(("javascript:", "vbscript:")), f"{where}: {value}"
                assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url) or not url, (
                    f"{where}: outside URL {value}"
                )
                if name == "src":
                    assert url.startswith("data:"), f"{where}: <{tag} src={value[:60]}>"
                if name == "href":
                    assert not re.match(r"^[a-z][a-z0-9+.-]*:", url), f"{where}: href {value}"
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            target = attrs.get("content", "").split("url=", 1)[-1].strip().lower()
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", target), f"{where}: refresh"
    return " ".join(parser.text)


def _check_published(text: str, where: str, roots: list[str]) -> None:
    assert RLO not in text, f"{where}: a bidi override"
    for item in PERSONAL:
        assert item not in text, f"{where}: personal data {item!r}"
    assert "z" * 400 not in text, f"{where}: the 100,000-character answer in full"
    for root in roots:
        assert root not in text, f"{where}: a server path {root}"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    folder = _hostile_copy(tmp / "data")
    reports = tmp / "reports"
    code = reporting.run_reports(
        campaigns=["podcast-s1", "webinar-series-may"],
        notebooks=["campaign-impact", "dark-social-overview", "explore-sources"],
        parameters={"n_placebos": 5, "triangulate": False},
        data_dir=folder,
        reports_dir=reports,
        workers=2,
    )
    return code, tmp, reports


def test_every_report_runs_on_hostile_data(hostile_run):
    code, _, reports = hostile_run
    statuses = [json.loads(p.read_text()) for p in reports.glob("*/*/status.json")]
    assert len(statuses) == 4
    assert code == 0, [s["error"] for s in statuses if s["status"] != "ok"]


def test_no_page_turns_against_its_reader(hostile_run):
    _, tmp, reports = hostile_run
    roots = [str(tmp), str(config.PROJ_ROOT)]
    pages = sorted(reports.glob("*/*/*.html")) + [reports / "index.html"]
    shown = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        where = str(page.relative_to(reports))
        shown[where] = _check_dom(text, where)
        _check_published(html.unescape(text), where, roots)
        assert "cdnjs" not in text and "require.js" not in text and "MathJax" not in text
    for path in [*reports.glob("*/*/*.json"), *reports.glob("*/*/run.log")]:
        _check_published(path.read_text(encoding="utf-8"), str(path), roots)
    for notebook in reports.glob("*/*/*.ipynb"):
        # the executed notebook is for the data scientist: paths may stay, personal data not
        _check_published(notebook.read_text(encoding="utf-8"), str(notebook), [])
    campaign = next(v for k, v in shown.items() if "podcast-s1" in k and "latest" not in k)
    # the hostile names are shown as written, as text
    assert NAME_LINKS in campaign
    overview = next(v for k, v in shown.items() if k.startswith("dark-social-overview/"))
    assert NAME_MONEY in overview and NAME_ENTITY in overview
    assert "Contact [email], [phone], [iban]" in campaign  # the calendar notes, masked


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed")
def test_the_browser_builds_no_link_script_or_outside_request(hostile_run):
    _, _, reports = hostile_run
    for page in sorted(reports.glob("*/*/*.html")):
        dom = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        _check_dom(dom, f"chromium {page.name}")
