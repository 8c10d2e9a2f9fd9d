"""searchkit.read.extract: metadata from the file first, then only from explicit cues in the text."""
import datetime as dt
from pathlib import Path

import pytest

from searchkit.read.clean import clean
from searchkit.read.extract import Metadata, extract_metadata
from searchkit.read.outlets import OutletTable
from searchkit.models import Document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

BODY = (
    "The US and Iran on Monday held their first talks on the security crisis in Iraq since the 2003 invasion, "
    "with the US side describing Iran's public policy statements as encouraging."
)


def metadata(text: str, **fields) -> Metadata:
    document = Document(source="test", text=text, **fields)
    return extract_metadata(document, clean(document), OutletTable.load())


def seed(number: str) -> Metadata:
    path = next(SEEDS.glob(f"{number}_*.txt"))
    return metadata(path.read_text(encoding="utf-8"))


def with_byline(line: str) -> Metadata:
    return metadata(f"US tells Iran to stop backing Iraq militias\n\n{line}\n\n{BODY}")


# --- Seeds ------------------------------------------------------------------------------------------------------


def test_seed_000_cfr_brief():
    assert seed("000") == Metadata(
        title="Maliki Issues Plea for Help at Iraq Talks",
        authors=["Lionel Beehner"],
        date=dt.date(2007, 3, 12),
        outlet=None,
        place=None,
    )


def test_seed_001_dateline_story():
    assert seed("001") == Metadata(title=None, authors=[], date=dt.date(2007, 8, 9), outlet=None, place="Tehran")


def test_seed_002_nyt_story():
    assert seed("002") == Metadata(
        title=None, authors=["Michael Gordon", "David Sanger"], date=None, outlet="The New York Times", place=None
    )


def test_seed_003_ft_story():
    assert seed("003") == Metadata(
        title="US tells Iran to stop backing Iraq militias",
        authors=["Steve Negus", "Guy Dinmore"],
        date=dt.date(2007, 5, 28),
        outlet="Financial Times",
        place=None,
    )


def test_seed_004_la_times_blog_post():
    assert seed("004") == Metadata(
        title="IRAQ: U.S. and Iran's talk about talks continues",
        authors=[],
        date=dt.date(2008, 4, 7),
        outlet="Los Angeles Times",
        place=None,
    )


# --- Title ------------------------------------------------------------------------------------------------------


def test_title_given_by_the_file_wins():
    assert metadata(f"Some Other Headline\n\n{BODY}", title="Maliki seeks help").title == "Maliki seeks help"


def test_outlet_name_is_cut_from_the_file_title():
    assert metadata(BODY, title="Maliki seeks help | Los Angeles Times").title == "Maliki seeks help"


def test_file_title_without_an_outlet_suffix_is_kept_whole():
    assert metadata(BODY, title="Iran - the long view").title == "Iran - the long view"


# --- Authors ----------------------------------------------------------------------------------------------------


def test_byline_with_and_gives_two_authors():
    assert with_byline("By Steve Negus and Guy Dinmore").authors == ["Steve Negus", "Guy Dinmore"]


def test_prepared_by_byline_gives_its_author():
    assert with_byline("Prepared by: Lionel Beehner").authors == ["Lionel Beehner"]


def test_job_titles_and_places_are_not_part_of_a_name():
    assert with_byline("By John Smith, Staff Writer").authors == ["John Smith"]
    assert with_byline("By Steve Negus in Baghdad and Guy Dinmore in Washington").authors == [
        "Steve Negus",
        "Guy Dinmore",
    ]


def test_all_caps_names_are_proper_cased():
    assert with_byline("By MARY MCGRORY, DAN O'BRIEN AND NURI AL-MALIKI").authors == [
        "Mary McGrory",
        "Dan O'Brien",
        "Nuri al-Maliki",
    ]


def test_staff_writers_are_not_a_person():
    assert metadata(f"{BODY}\n\n— Times staff writers in Beirut, Baghdad and Tehran").authors == []
    assert with_byline("By Times Staff Writers").authors == []


def test_authors_given_by_the_file_win():
    assert metadata(f"By Steve Negus\n\n{BODY}", authors=[" Guy  Dinmore "]).authors == ["Guy Dinmore"]


# --- Date -------------------------------------------------------------------------------------------------------


def test_updated_line_gives_the_date():
    assert with_byline("Updated: March 12, 2007").date == dt.date(2007, 3, 12)


def test_published_date_wins_over_last_updated():
    line = "Last updated: May 29 2007 22:39 | Published: May 28 2007 14:46"
    assert with_byline(line).date == dt.date(2007, 5, 28)


def test_dated_header_line_gives_the_date():
    assert with_byline("April 7, 2008 \u00a0|\u00a0 9:58 am").date == dt.date(2008, 4, 7)


def test_dateline_with_a_year_gives_the_date_and_place():
    found = metadata(f"TEHRAN, 9 August 2007 — {BODY}")
    assert (found.date, found.place) == (dt.date(2007, 8, 9), "Tehran")


def test_reuters_dateline_gives_a_place_but_no_date():
    found = metadata(f"SALVADOR, Feb 26 - {BODY}")
    assert (found.date, found.place) == (None, "Salvador")


def test_year_in_text_is_not_the_date():
    assert metadata(f"{BODY} Relations were cut after the 1979 revolution.").date is None


def test_date_mentioned_in_the_body_is_not_the_date():
    text = f"Their March 10 meeting came after the attacks on Sept. 11, 2001.\n\n{BODY}\n\nMarch 12, 2007"
    assert metadata(text).date is None


def test_file_date_wins_over_the_text():
    assert metadata(f"TEHRAN, 9 August 2007 — {BODY}", date="2007-08-10").date == dt.date(2007, 8, 10)


@pytest.mark.parametrize(
    "raw", ["2007-03-12", "2007-03-12T10:00:00Z", "March 12, 2007", "Mon, 12 Mar 2007 10:00:00 GMT", "12-MAR-2007"]
)
def test_file_dates_are_parsed(raw):
    assert metadata(BODY, date=raw).date == dt.date(2007, 3, 12)


@pytest.mark.parametrize("raw", ["May 2007", "2007", "yesterday", "March 12"])
def test_file_date_without_day_month_and_year_is_no_date(raw):
    assert metadata(BODY, date=raw).date is None


# --- Place ------------------------------------------------------------------------------------------------------


def test_dateline_place_is_proper_cased():
    assert metadata(f"DAR ES SALAAM, March 3 - {BODY}").place == "Dar es Salaam"
    assert metadata(f"LOMBARD, ILL., March 3 - {BODY}").place == "Lombard, Ill."


def test_dateline_line_of_its_own_gives_the_place():
    assert metadata(f"Talks resume in Baghdad\n\nWASHINGTON —\n\n{BODY}").place == "Washington"


def test_capitalised_word_and_dash_is_not_a_dateline():
    assert metadata(f"Iran - the country at the centre of it all - said no. {BODY}").place is None


# --- Outlet -----------------------------------------------------------------------------------------------------


def test_file_outlet_is_canonicalised():
    assert metadata(BODY, outlet="N.Y. Times").outlet == "The New York Times"
    assert metadata(BODY, outlet="The Daily Planet").outlet == "The Daily Planet"


def test_url_domain_gives_the_outlet():
    assert metadata(BODY, url="https://www.ft.com/content/123").outlet == "Financial Times"


def test_blog_masthead_gives_its_outlet():
    assert metadata(f"Babylon & Beyond\n\nIRAQ: Talks continue\n\nApril 7, 2008\n\n{BODY}").outlet == (
        "Los Angeles Times"
    )


def test_staff_byline_gives_the_outlet():
    assert with_byline("By Borzou Daragahi, Los Angeles Times Staff Writer").outlet == "Los Angeles Times"


def test_byline_naming_a_wire_gives_the_outlet_and_no_author():
    found = with_byline("By Reuters")
    assert (found.outlet, found.authors) == ("Reuters", [])


def test_house_style_self_reference_gives_the_outlet():
    assert metadata(f"{BODY}\n\nHoshyer Zebari told the FT that talks would go on.").outlet == "Financial Times"


def test_quoting_another_outlet_is_not_the_outlet():
    assert metadata(f"{BODY}\n\nHoshyer Zebari told the Financial Times that talks would go on.").outlet is None


@pytest.mark.parametrize(
    "mention",
    [
        "The Washington Post says the war has produced the region's largest refugee crisis.",
        "Washington and Tehran were back to throwing barbs (McClatchy) about each other.",
        "Velayati was quoted by Iran's ISNA news agency as saying so.",
        "They discussed economic ties, Iranian state television said.",
        "CFR's Senior Fellow Steven Simon recommends a stabilization group.",
    ],
)
def test_mention_of_an_outlet_is_not_the_outlet(mention):
    assert metadata(f"{BODY}\n\n{mention}").outlet is None


def test_wire_dateline_gives_the_agency():
    assert metadata(f"BAGHDAD (Reuters) - {BODY}").outlet == "Reuters"


def test_outlet_name_at_the_bottom_is_not_the_outlet():
    assert metadata(f"{BODY}\n\nReuters").outlet is None
