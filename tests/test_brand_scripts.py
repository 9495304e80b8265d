"""Brand terms and queries in any script, normalised alike.

Before this fix the brand normalisation kept only ``[a-z0-9]``: a Cyrillic, Greek, Arabic,
Hebrew, CJK or Devanagari term normalised to nothing, so ``brand: [українські фільми]``
(the line ``darksocial check`` itself suggests for a Ukrainian Google Trends download)
stopped ``check`` and ``report`` with "BrandClassifier needs at least one brand term".
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from darksocial import cli
from darksocial.brand import BrandClassifier, brand_share
from darksocial.errors import ParameterError

#: (brand terms, queries that mention the brand, queries that do not)
SCRIPTS = {
    "ukrainian": (
        ["українські фільми"],
        ["Українські фільми 2023", "українськіфільми", "нові українські фільми онлайн"],
        ["українське кіно", "фільми", "українські"],
    ),
    "russian-yo-and-typo": (
        ["Жёлтый дом"],
        ["желтый дом", "ЖЁЛТЫЙ ДОМ отзывы", "жолтый дом"],
        ["жёлтый", "дом"],
    ),
    "greek-accents": (
        ["Ελληνικό Γάλα"],
        ["ελληνικο γαλα", "ΕΛΛΗΝΙΚΌ ΓΆΛΑ τιμή"],
        ["γάλα", "ελληνικό μέλι"],
    ),
    "arabic-vowel-marks": (["مَرْحَبًا"], ["مرحبا بكم", "موقع مرحبا"], ["بكم"]),
    "hebrew-points": (["שָׁלוֹם"], ["שלום עולם"], ["עולם"]),
    "hindi": (["हिन्दी फ़िल्म"], ["नई हिन्दी फ़िल्म", "हिन्दीफ़िल्म"], ["हिन्दी", "फ़िल्म"]),
    "korean": (["한국 영화"], ["한국영화 추천", "최신 한국 영화"], ["한국 음식"]),
    "japanese-unspaced": (
        ["東京タワー"],
        ["東京タワーチケット", "東京タワー 営業時間", "東京 タワー"],
        ["東京", "タワー", "とうきょうたわー"],
    ),
    "chinese-unspaced": (["小米"], ["小米手机", "买小米"], ["大米", "米"]),
    "latin-brand-typed-into-chinese": (
        ["小米", "xiaomi"],
        ["xiaomi手机", "小米手机", "买xiaomi 14"],
        ["xiaomitool", "手机"],
    ),
    "thai-unspaced": (["ไทยแอร์"], ["จองตั๋วไทยแอร์"], ["ไทย"]),
    "arabic-indic-digits": (["acme ٢٠٢٤"], ["acme 2024 review"], ["acme", "2024"]),
    "latin-letters-nfkd-keeps": (
        ["Søren Straße"],
        ["soren strasse", "SØREN STRASSE"],
        ["soren"],
    ),
}


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_brand_terms_in_any_script_match_their_queries(script):
    terms, branded, other = SCRIPTS[script]
    brand = BrandClassifier(terms)
    assert [q for q in branded if not brand.is_brand(q)] == []
    assert [q for q in other if brand.is_brand(q)] == []


def test_exclusions_in_other_scripts_win():
    brand = BrandClassifier(["кіно"], exclude=["кіно театр"])
    assert brand.is_brand("кіно онлайн") and not brand.is_brand("Кіно-театр Київ")
    unspaced = BrandClassifier(["小米"], exclude=["小米粥"])
    assert unspaced.is_brand("小米手机") and not unspaced.is_brand("小米粥做法")


@pytest.mark.parametrize("term", ["!!!", "—", "..."])
def test_a_term_with_no_letter_names_itself_and_the_fix(term):
    with pytest.raises(ParameterError) as err:
        BrandClassifier(["acme", term])
    message = str(err.value)
    assert repr(term) in message and "brand: [acme]" in message
    assert "\n" not in message


def test_search_console_queries_in_cyrillic_are_counted_as_branded():
    rows = pd.DataFrame(
        {
            "query": ["українські фільми", "Українські Фільми онлайн", "кіно", ""],
            "is_anonymized_query": [False, False, False, True],
            "clicks": [30, 10, 5, 20],
            "impressions": [100, 50, 400, 300],
        }
    )
    share = brand_share(rows, BrandClassifier(["українські фільми"]))
    assert share.branded_clicks == 40 and share.nonbranded_clicks == 5
    assert share.anonymized_clicks == 20


def test_an_internationalised_domain_gives_its_brand():
    from darksocial.io.search_console import brand_from_site

    for site in ("sc-domain:xn--e1afmkfd.xn--p1ai", "https://пример.рф/"):  # пример.рф
        brand = brand_from_site(site)
        assert brand is not None and brand.is_brand("Пример рф отзывы")


TERMS = ["Українське кіно", "український кінематограф", "українські фільми"]


def _trends(terms=TERMS) -> pd.DataFrame:
    weeks = pd.date_range("2022-01-02", periods=30, freq="W-SUN", name="date")
    frame = pd.DataFrame(
        {f"term_{i}": [float(10 * i + w % 7) for w in range(30)] for i in range(len(terms))},
        index=weeks,
    )
    frame["missing"] = False
    frame.attrs["terms"] = list(terms)
    return frame


def test_the_trends_term_of_a_cyrillic_brand_is_the_brand_interest():
    from darksocial.campaign import metric_series
    from darksocial.io import Settings

    sources = SimpleNamespace(trends=_trends(), settings=Settings(brand=("українські фільми",)))
    y, controls = metric_series(sources, "brand_interest")
    assert y.name == "term_2"
    assert list(controls.columns) == ["term_0", "term_1"]


def test_the_explore_page_compares_the_cyrillic_brand_term_with_search():
    from darksocial.io import Settings
    from darksocial.pages.explore import ExplorePage

    sources = SimpleNamespace(trends=_trends(), settings=Settings(brand=("українські фільми",)))
    assert ExplorePage(sources)._brand_term() == "term_2"


def test_check_accepts_the_brand_line_it_suggests(tmp_path, capsys):
    # a Ukrainian Google Trends download as the UI writes it; check suggested this brand
    folder = tmp_path / "data"
    folder.mkdir()
    weeks = pd.date_range("2022-01-02", periods=40, freq="W-SUN")
    header = ",".join(f"{t}: (Україна)" for t in TERMS)
    lines = [f"{d:%Y-%m-%d},{i % 9},{i % 5},{20 + i % 11}" for i, d in enumerate(weeks)]
    (folder / "multiTimeline.csv").write_text(
        "Категорія: Усі категорії\n\nТиждень," + header + "\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- {id: launch, name: Launch, content_type: video, launch: 2022-06-05}\n"
    )
    (folder / "darksocial.yml").write_text("brand: [українські фільми]\n", encoding="utf-8")
    assert cli.main(["check", "--data", str(folder)]) == 0
    out = capsys.readouterr()
    assert "needs at least one brand term" not in out.err
    assert "українські фільми" in out.out
