"""The outlet table: aliases, domains, user files."""
import pytest

from searchkit.errors import SearchkitError
from searchkit.read.outlets import OutletTable


@pytest.mark.parametrize("alias", ["N.Y. Times", "NY Times", "New York Times", "the new york times", "NYT"])
def test_outlet_lookup_ignores_case_punctuation_and_the(alias):
    assert OutletTable.load().lookup(alias) == "The New York Times"


def test_outlet_lookup_by_domain_matches_subdomains():
    table = OutletTable.load()
    assert table.lookup_domain("https://latimesblogs.latimes.com/babylonbeyond/2008/04/iraq.html") == "Los Angeles Times"
    assert table.lookup("FT.com") == "Financial Times"


def test_blog_name_is_an_alias_of_its_outlet():
    assert OutletTable.load().lookup("Babylon & Beyond") == "Los Angeles Times"


def test_default_outlet_table_is_loaded_once():
    assert OutletTable.load() is OutletTable.load()


def test_extra_outlet_file_adds_outlets_and_aliases(tmp_path):
    extra = tmp_path / "mine.tsv"
    extra.write_text("# my outlets\nThe Daily Planet\tPlanet\tdailyplanet.com\nFinancial Times\tPink Paper\n")
    table = OutletTable.load([extra])
    assert table.lookup("planet") == "The Daily Planet"
    assert table.lookup_domain("www.dailyplanet.com") == "The Daily Planet"
    assert table.lookup("Pink Paper") == table.lookup("FT") == "Financial Times"


def test_outlet_file_named_by_the_environment_is_read(tmp_path, monkeypatch):
    extra = tmp_path / "env.tsv"
    extra.write_text("The Daily Planet\tPlanet\n")
    monkeypatch.setenv("SEARCHKIT_OUTLETS", str(extra))
    assert OutletTable.load().lookup("Planet") == "The Daily Planet"


def test_missing_outlet_file_is_reported_by_name(tmp_path):
    with pytest.raises(SearchkitError, match="nowhere.tsv"):
        OutletTable.load([tmp_path / "nowhere.tsv"])


def test_malformed_outlet_line_is_reported_with_its_line_number(tmp_path):
    extra = tmp_path / "bad.tsv"
    extra.write_text("# header\nA; B\tC\n")
    with pytest.raises(SearchkitError, match="bad.tsv:2"):
        OutletTable.load([extra])
