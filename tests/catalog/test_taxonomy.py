"""The taxonomy's data holds together: codes, KBLI, units, aliases and the relation graph."""

from __future__ import annotations

import re
from collections import Counter
from typing import get_args

import pytest

from catalog.exceptions import NotFound
from catalog.normalise import clean_name
from catalog.taxonomy import (
    CATEGORIES,
    KBLI_TITLES,
    RELATIONS,
    Sector,
    categories_by_kbli,
    category,
)
from catalog.units import CANONICAL_UNITS, UNITS, conversion_factor

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CODES = {c.code for c in CATEGORIES}

#: Codes other engineers' demo data relies on, with their canonical units.
REQUIRED = {
    "katering-kontrak": "porsi", "katering-acara": "porsi", "roti": "pcs", "kue-basah": "pcs",
    "sayur-daun": "kg", "sayur-buah": "kg", "umbi-umbian": "kg", "telur-ayam": "butir",
    "daging-ayam": "kg", "daging-sapi": "kg", "ikan-segar": "kg", "beras": "kg",
    "buah-segar": "kg", "tahu-tempe": "kg", "bumbu-rempah": "kg", "air-minum-kemasan": "liter",
    "air-isi-ulang": "liter", "es-batu": "kg", "kotak-kemasan-kertas": "pcs", "kardus": "pcs",
    "kemasan-plastik": "pcs", "karung": "pcs", "palet-kayu": "pcs", "baut-mur": "pcs",
    "jasa-bubut": "jam", "jasa-las": "jam", "fabrikasi-baja": "kg", "suku-cadang-mesin": "pcs",
    "bantalan-roda-gigi": "pcs", "suku-cadang-kendaraan": "pcs", "karet-industri": "pcs",
    "servis-mesin": "jam", "gulung-dinamo": "pcs", "seragam-kerja": "pcs",
    "jahit-pakaian": "pcs", "sarung-tangan-kain": "pasang", "sarung-tangan-karet": "pasang",
    "sepatu-safety": "pasang", "helm-safety": "pcs", "apd-lainnya": "pcs",
    "furnitur-kayu": "pcs", "furnitur-logam": "pcs", "batu-bata": "pcs",
    "batako-paving": "pcs", "beton-siap-pakai": "m3", "angkutan-truk": "trip",
    "sewa-kendaraan": "hari", "sewa-alat-berat": "jam", "alat-berat-operator": "jam",
    "gudang": "m2", "gudang-pendingin": "kg", "bongkar-muat": "ton", "angkutan-laut": "ton",
    "mess-pekerja": "orang", "rumah-sewa": "kamar", "laundry": "kg",
    "kebersihan-gedung": "orang", "percetakan": "lembar", "limbah-non-b3": "kg",
    "limbah-b3": "kg", "jasa-keamanan": "orang",
}

#: Each coverage area of the brief: the category that covers it and its primary KBLI code.
COVERAGE = [
    ("katering-kontrak", "56290"), ("katering-acara", "56210"), ("roti", "10710"),
    ("kue-basah", "10792"), ("keripik-kerupuk", "10794"), ("sayur-daun", "01131"),
    ("sayur-buah", "01133"), ("umbi-umbian", "01134"), ("telur-ayam", "01462"),
    ("daging-ayam", "10120"), ("daging-sapi", "10110"), ("ikan-segar", "03111"),
    ("beras", "10631"), ("buah-segar", "01220"), ("bumbu-rempah", "10772"),
    ("tahu-tempe", "10392"), ("air-minum-kemasan", "11051"), ("air-isi-ulang", "11052"),
    ("es-batu", "35302"), ("kotak-kemasan-kertas", "17022"), ("lembaran-karton", "17021"),
    ("kemasan-plastik", "22220"), ("karung", "13926"), ("palet-kayu", "16230"),
    ("baut-mur", "25952"), ("jasa-bubut", "25920"), ("jasa-las", "25920"),
    ("fabrikasi-baja", "25113"), ("suku-cadang-mesin", "28113"),
    ("bantalan-roda-gigi", "28140"), ("alat-angkat", "28160"),
    ("suku-cadang-kendaraan", "29300"), ("karet-industri", "22192"),
    ("servis-mesin", "33121"), ("gulung-dinamo", "33141"), ("instalasi-listrik", "43211"),
    ("seragam-kerja", "14111"), ("jahit-pakaian", "14120"), ("sarung-tangan-kain", "14131"),
    ("sarung-tangan-karet", "22199"), ("sepatu-safety", "15203"), ("helm-safety", "32904"),
    ("apd-lainnya", "32904"), ("furnitur-kayu", "31001"), ("furnitur-logam", "31004"),
    ("batu-bata", "23921"), ("batako-paving", "23953"), ("beton-siap-pakai", "23957"),
    ("pasir", "08104"), ("batu-split", "08101"), ("angkutan-truk", "49431"),
    ("sewa-kendaraan", "77100"), ("sewa-alat-berat", "77393"),
    ("alat-berat-operator", "43905"), ("gudang", "52101"), ("gudang-pendingin", "52102"),
    ("bongkar-muat", "52240"), ("angkutan-laut", "50131"), ("mess-pekerja", "55900"),
    ("rumah-sewa", "68111"), ("laundry", "96200"), ("kebersihan-gedung", "81210"),
    ("kebersihan-industri", "81290"), ("percetakan", "18111"), ("limbah-non-b3", "38110"),
    ("limbah-b3", "38120"), ("jasa-keamanan", "80100"), ("gas-lpg", "47772"),
    ("antar-jemput-laut", "50218"), ("bordir", "14302"), ("papan-nama", "32909"),
    ("karung-pasir", "13926"), ("kuras-tandon", "81290"), ("peralatan-dapur-logam", "25992"),
]

#: Categories at the heart of a park's local buying: none may stand alone in the graph.
CORE = ["katering-kontrak", "air-minum-kemasan", "kardus", "jasa-las", "suku-cadang-mesin",
        "seragam-kerja", "sarung-tangan-kain", "sepatu-safety", "angkutan-truk", "gudang",
        "sewa-alat-berat", "mess-pekerja", "laundry", "kebersihan-gedung", "limbah-b3",
        "limbah-non-b3", "batu-bata", "furnitur-logam", "sayur-daun", "daging-ayam"]


def test_at_least_110_categories() -> None:
    """The taxonomy has at least 110 categories."""
    assert len(CATEGORIES) >= 110


def test_codes_are_unique_kebab_case() -> None:
    """Category codes are unique kebab-case slugs."""
    codes = [c.code for c in CATEGORIES]
    assert len(codes) == len(set(codes))
    assert all(KEBAB.match(code) for code in codes), [c for c in codes if not KEBAB.match(c)]


def test_names_and_sectors_are_filled_in() -> None:
    """Every category has both names and a known sector, and every sector is used."""
    sectors = set(get_args(Sector))
    for c in CATEGORIES:
        assert c.name_id.strip(), c.code
        assert c.name_en.strip(), c.code
        assert c.sector in sectors, c.code
    assert {c.sector for c in CATEGORIES} == sectors


def test_every_kbli_code_is_five_digits_and_titled() -> None:
    """Every KBLI code is a five-digit string with a title, and every title belongs to a code."""
    used = {k for c in CATEGORIES for k in c.kbli}
    for c in CATEGORIES:
        assert c.kbli, c.code
        assert len(c.kbli) == len(set(c.kbli)), c.code
        for code in c.kbli:
            assert len(code) == 5, (c.code, code)
            assert code.isdigit(), (c.code, code)
            assert KBLI_TITLES.get(code, "").strip(), (c.code, code)
    assert set(KBLI_TITLES) == used


def test_every_unit_is_canonical() -> None:
    """Every category's unit is one of the canonical units."""
    assert {c.unit for c in CATEGORIES} <= CANONICAL_UNITS


@pytest.mark.parametrize(("code", "unit"), sorted(REQUIRED.items()))
def test_required_code_exists_with_its_unit(code: str, unit: str) -> None:
    """A code the demo data relies on exists with the agreed canonical unit."""
    assert category(code).unit == unit


def test_aliases_are_clean_lowercase_ascii() -> None:
    """Each category has 4-25 distinct aliases, all trimmed, lower-case and ASCII."""
    for c in CATEGORIES:
        assert 4 <= len(c.aliases) <= 25, (c.code, len(c.aliases))
        assert len(set(c.aliases)) == len(c.aliases), c.code
        for alias in c.aliases:
            assert alias, c.code
            assert alias == alias.strip() == alias.lower(), (c.code, alias)
            assert alias.isascii(), (c.code, alias)
            assert "  " not in alias, (c.code, alias)


def test_no_alias_belongs_to_two_categories() -> None:
    """An alias names one category only."""
    counts = Counter(alias for c in CATEGORIES for alias in c.aliases)
    assert [alias for alias, n in counts.items() if n > 1] == []


def test_no_alias_is_another_categorys_code() -> None:
    """No alias, with spaces read as hyphens, is the code of a different category."""
    for c in CATEGORIES:
        for alias in c.aliases:
            as_code = alias.replace(" ", "-")
            assert as_code not in CODES or as_code == c.code, (c.code, alias)


def test_aliases_stay_distinct_after_cleaning() -> None:
    """Once the normaliser cleans them, aliases of different categories never coincide."""
    owner: dict[str, str] = {}
    for c in CATEGORIES:
        for alias in c.aliases:
            key = clean_name(alias)
            assert key, (c.code, alias)
            assert owner.setdefault(key, c.code) == c.code, (key, owner[key], c.code)


def test_category_lookup_and_not_found() -> None:
    """category() returns the category for a code and raises NotFound for an unknown one."""
    assert category("kardus").code == "kardus"
    with pytest.raises(NotFound) as raised:
        category("nope")
    assert (raised.value.kind, raised.value.key) == ("category", "nope")


def test_categories_by_kbli() -> None:
    """categories_by_kbli finds holders of a code, primary holders first, and () for none."""
    assert [c.code for c in categories_by_kbli("56290")] == ["katering-kontrak"]
    assert [c.code for c in categories_by_kbli("17021")] == ["lembaran-karton", "kardus"]
    assert categories_by_kbli("99999") == ()
    for code in KBLI_TITLES:
        found = categories_by_kbli(code)
        assert found, code
        assert all(code in c.kbli for c in found), code
        primaries = [c.kbli[0] == code for c in found]
        assert primaries == sorted(primaries, reverse=True), code


@pytest.mark.parametrize(("code", "kbli"), COVERAGE)
def test_coverage_area_has_its_primary_kbli(code: str, kbli: str) -> None:
    """Each coverage area has a category whose primary KBLI is the code named for it."""
    assert category(code).kbli[0] == kbli


def test_structural_steel_uses_2511x() -> None:
    """Structural steel fabrication is classified in the 2511x group."""
    assert category("fabrikasi-baja").kbli[0].startswith("2511")


def test_hazardous_and_ordinary_waste_are_kept_apart() -> None:
    """B3 (38120) and non-B3 (38110) waste are separate categories joined by no edge."""
    hazardous, ordinary = category("limbah-b3"), category("limbah-non-b3")
    assert "38110" not in hazardous.kbli
    assert "38120" not in ordinary.kbli
    b3 = {c.code for c in CATEGORIES if c.code.endswith("b3") and "non-b3" not in c.code}
    for r in RELATIONS:
        assert not ({r.source, r.target} & b3 and {r.source, r.target} & {ordinary.code}), r


def test_relations_join_existing_distinct_categories() -> None:
    """Relations name existing codes, are never self-loops and are never repeated."""
    for r in RELATIONS:
        assert r.source in CODES, r
        assert r.target in CODES, r
        assert r.source != r.target, r
        assert r.kind in ("substitutes", "related"), r
    keys = [(r.source, r.target, r.kind) for r in RELATIONS]
    assert len(keys) == len(set(keys))


def test_substitutes_have_a_factor_and_convertible_units() -> None:
    """Substitutes have 0 < factor <= 1 and units of one dimension that convert."""
    for r in RELATIONS:
        if r.kind != "substitutes":
            continue
        assert r.factor is not None, r
        assert 0 < r.factor <= 1, r
        source, target = category(r.source), category(r.target)
        assert UNITS[source.unit].dimension == UNITS[target.unit].dimension, r
        assert conversion_factor(source.unit, target.unit) > 0, r


def test_related_edges_have_no_factor_and_one_edge_per_pair() -> None:
    """Related edges carry no factor, and a pair is related once or substitutes, never both."""
    related = [frozenset((r.source, r.target)) for r in RELATIONS if r.kind == "related"]
    substitutes = {frozenset((r.source, r.target)) for r in RELATIONS if r.kind == "substitutes"}
    assert all(r.factor is None for r in RELATIONS if r.kind == "related")
    assert len(related) == len(set(related))
    assert set(related).isdisjoint(substitutes)


def test_the_graph_is_well_connected() -> None:
    """There are 60+ relations, 40+ categories take part and no core category stands alone."""
    assert len(RELATIONS) >= 60
    assert sum(r.kind == "substitutes" for r in RELATIONS) >= 10
    joined = {r.source for r in RELATIONS} | {r.target for r in RELATIONS}
    assert len(joined) >= 40
    assert [code for code in CORE if code not in joined] == []


def test_agreed_substitutions_hold() -> None:
    """The substitutions agreed with procurement are present and one-way where they should be."""
    edges = {(r.source, r.target): r for r in RELATIONS}
    assert edges[("katering-acara", "katering-kontrak")].factor == 1
    assert edges[("kardus", "kotak-kemasan-kertas")].kind == "substitutes"
    assert edges[("alat-berat-operator", "sewa-alat-berat")].kind == "substitutes"
    assert ("sewa-alat-berat", "alat-berat-operator") not in edges
    assert edges[("air-minum-kemasan", "air-isi-ulang")].kind == "substitutes"
    assert ("air-isi-ulang", "air-minum-kemasan") not in edges
    assert edges[("sarung-tangan-karet", "sarung-tangan-kain")].kind == "related"
    assert edges[("sewa-truk", "angkutan-truk")].kind == "related"


def test_agro_follows_the_raw_material() -> None:
    """Food and wood categories are agro; metal, plastic and non-food services are not."""
    for code in ("katering-kontrak", "roti", "beras", "air-minum-kemasan", "palet-kayu",
                 "furnitur-kayu", "karet-industri", "kardus"):
        assert category(code).agro, code
    for code in ("baut-mur", "jasa-las", "kemasan-plastik", "helm-safety", "angkutan-truk",
                 "limbah-b3", "batu-bata", "mess-pekerja"):
        assert not category(code).agro, code


def test_trade_terms_people_type_are_aliases() -> None:
    """Common trade terms and abbreviations are aliases of the right category."""
    expected = {
        "nasbox": "katering-acara", "ransum": "katering-kontrak", "dus": "kardus",
        "kardos": "kardus", "amdk": "air-minum-kemasan", "le minerale": "air-minum-kemasan",
        "apd": "apd-lainnya", "wearpack": "seragam-kerja", "katelpak": "seragam-kerja",
        "tronton": "angkutan-truk", "cdd": "angkutan-truk", "kost": "mess-pekerja",
        "barak": "mess-pekerja", "binatu": "laundry", "batako": "batako-paving",
        "bubut": "jasa-bubut", "las": "jasa-las", "skun": "perlengkapan-kabel",
        "gloves": "sarung-tangan-kain", "sepatu sefty": "sepatu-safety",
        "helm proyek": "helm-safety", "sewa truk": "sewa-truk", "beko": "sewa-alat-berat",
    }
    owner = {alias: c.code for c in CATEGORIES for alias in c.aliases}
    assert {alias: owner.get(alias) for alias in expected} == expected


def test_every_category_is_documented() -> None:
    """docs/taxonomy.md lists every category code, so the documentation keeps up."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "taxonomy.md").read_text("utf-8")
    missing = [c.code for c in CATEGORIES if f"`{c.code}`" not in text]
    assert missing == []
