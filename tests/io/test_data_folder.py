"""A user's own data folder: files keep the names the tools give them; brand terms from brand.yml."""

from __future__ import annotations

import shutil

import pytest

from darksocial import config
from darksocial.errors import DataFormatError
from darksocial.io import load_sample


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def _copy(tmp_path):
    target = tmp_path / "acme"
    shutil.copytree(config.SAMPLE_DIR, target)
    # the names another account's exports would have
    (meta,) = (target / "meta_ads").glob("*.csv")
    meta.rename(meta.with_name("Acme-Campaigns-1-Jan-202431-Dec-2025.csv"))
    (target / "survey" / "how_did_you_hear.csv").rename(target / "survey" / "hubspot-contacts.csv")
    return target


def test_own_folder_with_brand_file(tmp_path, sample):
    folder = _copy(tmp_path)
    (folder / "brand.yml").write_text("terms: [trackmytools, track my tools]\n")
    mine = load_sample(folder)
    assert mine.meta_ads["impressions"].sum() == pytest.approx(
        sample.meta_ads["impressions"].sum()
    )
    assert len(mine.survey) == len(sample.survey)
    assert (
        mine.search_console["branded_clicks"].sum()
        == sample.search_console["branded_clicks"].sum()
    )


def test_without_brand_file_terms_come_from_the_site(tmp_path, sample):
    mine = load_sample(_copy(tmp_path))
    # www.trackmytools.com gives the term "trackmytools": spaced spellings are missed, so
    # the count is positive but not above the sample's
    got = mine.search_console["branded_clicks"].sum()
    assert 0 < got <= sample.search_console["branded_clicks"].sum()


def test_bad_brand_file_and_missing_source(tmp_path):
    folder = _copy(tmp_path)
    (folder / "brand.yml").write_text("brands: acme\n")
    with pytest.raises(DataFormatError, match="needs a `terms:` list"):
        load_sample(folder)
    (folder / "brand.yml").unlink()
    shutil.rmtree(folder / "meta_ads")
    with pytest.raises(DataFormatError, match=r"no meta_ads export in .*meta_ads/\*\.csv"):
        load_sample(folder)
    with pytest.raises(DataFormatError, match="data folder not found"):
        load_sample(tmp_path / "nowhere")
