"""The README and docs/ say what the code does: examples load, links resolve."""

from __future__ import annotations

import re

import pytest

from darksocial import config
from darksocial.io.calendar import load_campaigns
from darksocial.io.folder import read_settings

ROOT = config.PROJ_ROOT
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_readme_calendar_and_settings_examples_load(tmp_path):
    blocks = _yaml_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    calendar = next(b for b in blocks if b.lstrip().startswith("# exports/acme/campaigns.yml"))
    settings = next(b for b in blocks if b.lstrip().startswith("# exports/acme/darksocial.yml"))
    (tmp_path / "campaigns.yml").write_text(calendar, encoding="utf-8")
    (tmp_path / "darksocial.yml").write_text(settings, encoding="utf-8")

    campaigns = load_campaigns(tmp_path / "campaigns.yml")
    row = campaigns.loc["q3-podcast"]
    assert (
        str(row["launch"].date()) == "2025-09-01"
        and row["spend"] == 12000
        and row["content_type"] == "podcast"
    )
    assert list(row["keywords"]) == ["tool crib"]

    got = read_settings(tmp_path)
    assert (got.country, got.currency, got.time_zone) == ("US", "USD", "America/New_York")
    assert got.brand == ("acme", "acme app")


def _links(text: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", text)


def _anchor(heading: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page):
    broken = []
    for link in _links(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", link):  # http:, https:, mailto:
            continue
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        if not path.exists():
            broken.append(link)
            continue
        if anchor and path.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
            if anchor not in {_anchor(h) for h in headings}:
                broken.append(link)
    assert not broken, f"{page.name}: links that go nowhere: {broken}"
