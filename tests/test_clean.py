"""searchkit.read.clean: paragraph blocks, their roles, and the outlet table that recognises mastheads."""
from pathlib import Path

import pytest

from searchkit.read.clean import clean, split_blocks
from searchkit.read.outlets import OutletTable
from searchkit.models import Document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

BODY = (
    "The US and Iran on Monday held their first talks on the security crisis in Iraq since the 2003 invasion, "
    "with the US side describing Iran's public policy statements as encouraging."
)
BODY_2 = "Ryan Crocker, US ambassador to Baghdad, called the atmosphere in nearly four hours of talks businesslike."


def blocks(text: str, **fields) -> list[tuple[str, str]]:
    return [(block.role, block.text) for block in clean(Document(source="test", text=text, **fields))]


def role_of(line: str, text: str, **fields) -> str:
    return next(role for role, block in blocks(text, **fields) if block == line)


def seed(number: str) -> list[tuple[str, str]]:
    path = next(SEEDS.glob(f"{number}_*.txt"))
    return blocks(path.read_text(encoding="utf-8"))


def with_role(pairs: list[tuple[str, str]], role: str) -> list[str]:
    return [text for block_role, text in pairs if block_role == role]


# --- split_blocks -----------------------------------------------------------------------------------------------


def test_blank_lines_separate_paragraphs():
    assert split_blocks(f"{BODY}\n\n{BODY_2}\n") == [BODY, BODY_2]


def test_long_lines_without_blank_lines_are_one_paragraph_each():
    assert split_blocks(f"{BODY}\n{BODY_2}\n|\n{BODY}") == [BODY, BODY_2, "|", BODY]


def test_hard_wrapped_tagline_is_joined_into_one_block():
    text = "Babylon & Beyond\n\nObservations from Iraq, Iran,\nIsrael, the Arab world and beyond\n"
    assert split_blocks(text) == ["Babylon & Beyond", "Observations from Iraq, Iran, Israel, the Arab world and beyond"]


def test_indented_lines_start_paragraphs_in_hard_wrapped_text():
    reuters = (
        "Showers continued throughout the week in\n"
        "the Bahia cocoa zone, alleviating the drought since early\n"
        "January, Comissaria Smith said in its weekly review.\n"
        "    The dry period means the temporao will be late this year.\n"
        "    Arrivals for the week ended February 22 were 155,221 bags\n"
        "of 60 kilos.\n"
        " Reuter\n"
    )
    assert split_blocks(reuters) == [
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early "
        "January, Comissaria Smith said in its weekly review.",
        "The dry period means the temporao will be late this year.",
        "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos.",
        "Reuter",
    ]


def test_one_space_indent_inside_a_wrapped_sentence_does_not_start_a_paragraph():
    reuters = (
        "Canada's economy is strong and the outlook\n"
        " remains positive despite the sharp fall of stock prices on\n"
        "Canadian and other exchanges, Finance Minister Michael Wilson\n"
        "told the House of Commons.\n"
        "    Wilson said the fundamentals were sound.\n"
    )
    assert len(split_blocks(reuters)) == 2


def test_byline_and_date_lines_are_not_joined():
    text = "Maliki Issues Plea for Help at Iraq Talks\n\nPrepared by: Lionel Beehner\nUpdated: March 12, 2007\n"
    assert split_blocks(text) == [
        "Maliki Issues Plea for Help at Iraq Talks",
        "Prepared by: Lionel Beehner",
        "Updated: March 12, 2007",
    ]


def test_table_rows_stay_separate():
    table = "              volume    open   change\nPlatinum       4321     19120  off  173\n"
    assert split_blocks(table) == ["volume open change", "Platinum 4321 19120 off 173"]


def test_whitespace_is_collapsed_and_words_are_kept():
    assert split_blocks("  April 7, 2008\u00a0|\u00a0 9:58 am  \n\n\tto talks with\u00a0U.S.  officials \n") == [
        "April 7, 2008 | 9:58 am",
        "to talks with U.S. officials",
    ]


# --- Roles ------------------------------------------------------------------------------------------------------

HEADER = (
    "Analysis Brief\n\nPrintPrint CiteCite\nStyle: MLAAPAChicago Close\n\n\n"
    "Maliki Issues Plea for Help at Iraq Talks\n\nPrepared by: Lionel Beehner\nUpdated: March 12, 2007\n\n\n"
    f"{BODY}\n\n{BODY_2}\n"
)


def test_header_lines_get_title_byline_and_dateline():
    assert blocks(HEADER)[3:6] == [
        ("title", "Maliki Issues Plea for Help at Iraq Talks"),
        ("byline", "Prepared by: Lionel Beehner"),
        ("dateline", "Updated: March 12, 2007"),
    ]


def test_section_label_above_the_title_is_boilerplate():
    assert role_of("Analysis Brief", HEADER) == "boilerplate"


def test_tool_lines_are_boilerplate():
    assert role_of("PrintPrint CiteCite", HEADER) == "boilerplate"
    assert role_of("Style: MLAAPAChicago Close", HEADER) == "boilerplate"


@pytest.mark.parametrize(
    "line",
    [
        "Back to Top",
        "More on This Topic",
        "« Previous Post | Babylon & Beyond Home | Next Post »",
        "Check out our new Money Talks post on Vietnam",
        "Iraq Study Group Report | Brookings Report: Things Fall Apart | Center for American Progress' "
        "Redeployment Plan (PDF) | CSIS Report on Iraqi Force Development |",
        "|",
        "----",
        "Copyright 2007 The Financial Times Limited",
    ],
)
def test_navigation_promo_and_separator_lines_are_boilerplate(line):
    assert role_of(line, f"{BODY}\n\n{line}\n\n{BODY_2}") == "boilerplate"


def test_a_promo_that_ends_a_sentence_stays_body():
    line = "Check out the figures: Iraq has roughly two million refugees, most of them in Syria and Jordan."
    assert role_of(line, f"{BODY}\n\n{line}") == "body"


def test_caption_with_a_credit_is_kept_without_its_pipe():
    line = (
        "In the southern Iraqi city of Basra, Shiite tribal fighters on Monday chanted slogans. "
        "Credit Nabil Al-Jurani/Associated Press |"
    )
    assert ("caption", line.removesuffix(" |")) in blocks(f"{BODY}\n|\n{line}\n{BODY_2}")


def test_short_line_ending_in_a_pipe_is_a_caption():
    assert ("caption", "Iranian President Hassan Rouhani") in blocks(
        f"{BODY}\n|\nIranian President Hassan Rouhani |\n----\n{BODY_2}"
    )


def test_line_before_a_pipe_separator_is_a_caption():
    line = "Sectarian civil war: Shiite tribal fighters raise their weapons and chant slogans against Sunni militants"
    assert role_of(line, f"{BODY}\n{line}\n|\n{BODY_2}") == "caption"


def test_sentence_before_a_pipe_separator_stays_body():
    assert role_of(BODY, f"{BODY_2}\n{BODY}\n|\nIranian President Hassan Rouhani |") == "body"


def test_photo_line_with_credit_is_a_caption():
    line = (
        "Photo: Mohammed Ali Hosseini, spokesman for Iran's foreign ministry, spoke to reporters today. "
        "Credit: Hassan Ghaedi / Fars News Agency"
    )
    assert role_of(line, f"{BODY}\n\n{line}") == "caption"


def test_a_sentence_starting_with_the_word_credit_is_not_a_caption():
    line = "The parent bank balance sheet rose 89 mln marks. Credit volume expanded by four pct to 9.5 billion marks."
    assert role_of(line, f"{BODY}\n\n{line}") == "body"


@pytest.mark.parametrize(
    "line",
    [
        "Additional reporting by Gareth Smyth in Tehran",
        "— Times staff writers in Beirut, Baghdad and Tehran",
        "(Reporting by Parisa Hafezi; Editing by Janet Lawrence)",
        "Times staff writer Ned Parker in Baghdad contributed to this report.",
    ],
)
def test_reporting_credits_are_credits(line):
    assert role_of(line, f"{BODY}\n\n{line}") == "credit"


def test_a_sentence_about_reporting_is_not_a_credit():
    line = "Reporting by CNN and others has shown that Iran is arming militias."
    assert role_of(line, f"{BODY}\n\n{line}") == "body"


def test_comma_ended_paragraph_stays_body():
    line = "But Mr. Maliki has little faith in the Sunni political leaders,"
    assert role_of(line, f"{BODY}\n{line}\n|\n{BODY_2}") == "body"


def test_bracketed_insertions_and_quoted_email_stay_body():
    insertion = "[They urge him to] reach out to Kurds, thanking them for receiving refugees."
    email = "We understand that the Iraqi foreign ministry is making efforts to hold another round of talks."
    text = f"{BODY}\n\nHere's an e-mail from a spokeswoman:\n\n{email}\n\n{insertion}"
    assert {role for role, _ in blocks(text)} == {"body"}


def test_paragraph_opening_with_a_dateline_is_body():
    line = "TEHRAN, 9 August 2007 — Iraqi Prime Minister Nuri Al-Maliki held talks in Iran yesterday."
    assert blocks(f"{line}\n{BODY}") == [("body", line), ("body", BODY)]


def test_first_line_is_a_title_only_when_body_follows():
    assert blocks(f"US tells Iran to stop backing Iraq militias\n\n{BODY}")[0][0] == "title"
    assert blocks(f"Currency News\n\nUS tells Iran to stop backing Iraq militias\n\n{BODY}")[0][0] == "body"


def test_a_heading_in_a_script_without_case_is_a_title():
    body = "عقدت الولايات المتحدة وإيران يوم الاثنين أول محادثات بينهما حول الأزمة الأمنية في العراق منذ الغزو."
    assert blocks(f"واشنطن تطالب طهران بوقف دعم الميليشيات\n\n{body}")[0][0] == "title"
    assert blocks(f"us tells iran to stop backing iraq militias\n\n{BODY}")[0][0] == "body"


def test_jsonl_first_line_is_not_a_title_when_the_file_gives_one():
    text = f"Talks in Baghdad\n{BODY}"
    assert blocks(text, format="jsonl", title="US tells Iran to stop backing Iraq militias")[0] == (
        "body",
        "Talks in Baghdad",
    )


def test_title_given_by_the_file_is_found_in_the_header():
    text = f"Currency News\n\nUS tells Iran to stop backing Iraq militias\n\n{BODY}"
    pairs = blocks(text, format="html", title="US tells Iran to stop backing Iraq militias | FT.com")
    assert pairs[:2] == [("boilerplate", "Currency News"), ("title", "US tells Iran to stop backing Iraq militias")]


def test_blog_name_at_the_top_is_a_masthead():
    assert role_of("Babylon & Beyond", f"Babylon & Beyond\n\nIRAQ: Talks continue\n\nApril 7, 2008\n\n{BODY}") == (
        "masthead"
    )


def test_masthead_from_a_user_outlet_table(tmp_path):
    extra = tmp_path / "mine.tsv"
    extra.write_text("The Daily Planet\tDaily Planet\n")
    document = Document(source="test", text=f"Daily Planet\n\nIRAQ: Talks continue\n\nApril 7, 2008\n\n{BODY}")
    assert clean(document, OutletTable.load([extra]))[0].role == "masthead"
    assert clean(document)[0].role == "boilerplate"


def test_all_caps_outlet_and_authors_line_is_a_byline():
    assert blocks(f"N.Y. TIMES, MICHAEL GORDON & DAVID SANGER\n{BODY}")[0][0] == "byline"


def test_outlet_name_at_the_bottom_is_not_a_masthead():
    assert blocks(f"{BODY}\n\n{BODY_2}\n\nReuters")[-1] == ("boilerplate", "Reuters")


def test_date_line_inside_a_table_does_not_make_a_header():
    text = f"Shr 18 cts vs 13 cts\n\nNet 5,436,000 vs 3,888,000\n\nJune 20, 1986\n\n{BODY}"
    assert {role for role, _ in blocks(text)} == {"body"}


def test_headline_links_below_the_article_are_boilerplate():
    text = f"{BODY}\n{BODY_2}\nRelated Articles\nIran, U.S. trade barbs over Iraq\nU.S. says Iran still arming militias"
    assert [role for role, _ in blocks(text)][-2:] == ["boilerplate", "boilerplate"]


def test_jsonl_header_lines_are_kept_unless_clearly_boilerplate():
    text = f"Currency News\n\nUS tells Iran to stop backing Iraq militias\n\nBy Steve Negus\n\n{BODY}"
    assert blocks(text, format="html")[0] == ("boilerplate", "Currency News")
    assert blocks(text, format="jsonl")[0] == ("body", "Currency News")


# --- Seeds ------------------------------------------------------------------------------------------------------


def test_seed_000_header_tools_and_link_bar_are_boilerplate():
    pairs = seed("000")
    assert with_role(pairs, "title") == ["Maliki Issues Plea for Help at Iraq Talks"]
    assert with_role(pairs, "boilerplate")[:3] == ["Analysis Brief", "PrintPrint CiteCite", "Style: MLAAPAChicago Close"]
    assert with_role(pairs, "boilerplate")[-1] == "More on This Topic"
    body = with_role(pairs, "body")
    assert len(body) == 5 and body[0].startswith("It wasn’t long before")


def test_seed_001_is_all_body():
    assert [role for role, _ in seed("001")] == ["body"] * 9


def test_seed_002_captions_and_separators():
    pairs = seed("002")
    captions = with_role(pairs, "caption")
    assert captions[0] == "Iranian President Hassan Rouhani"
    assert captions[1].startswith("Sectarian civil war:")
    assert captions[2].startswith("In the southern Iraqi city of Basra") and captions[2].endswith("Associated Press")
    assert captions[3].startswith("Prime Minister Nuri Kamal al-Maliki of Iraq led a meeting")
    assert set(with_role(pairs, "boilerplate")) == {"|", "----"}
    assert [role for role, _ in pairs].count("body") == 31


def test_seed_003_promo_labels_and_credit():
    pairs = seed("003")
    assert with_role(pairs, "boilerplate") == [
        "Check out our new Money Talks post on Vietnam",
        "Currency News",
        "Back to Top",
    ]
    assert with_role(pairs, "credit") == ["Additional reporting by Gareth Smyth in Tehran"]
    assert [role for role, _ in pairs].count("body") == 20


def test_seed_004_blog_header_credit_and_caption():
    pairs = seed("004")
    assert pairs[0] == ("masthead", "Babylon & Beyond")
    assert with_role(pairs, "boilerplate") == [
        "Observations from Iraq, Iran, Israel, the Arab world and beyond",
        "« Previous Post | Babylon & Beyond Home | Next Post »",
    ]
    assert with_role(pairs, "credit") == ["— Times staff writers in Beirut, Baghdad and Tehran"]
    assert with_role(pairs, "caption")[0].startswith("Photo: Mohammed Ali Hosseini")
    assert [role for role, _ in pairs].count("body") == 11


# --- Properties: for any text ------------------------------------------------------------------------------------

from collections import Counter  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402

PAGE_LINES = [
    "US tells Iran to stop backing Iraq militias", "By Steve Negus in Baghdad and Guy Dinmore in Washington",
    "Published: May 28 2007 14:46 | Last updated: May 28 2007 19:01", "Babylon & Beyond", "Back to Top",
    "PrintPrint CiteCite", "|", "Photo: Mohammed Ali Hosseini, spokesman | Fars News Agency", "Related Articles",
    "Iraq Study Group Report | Brookings Report: Things Fall Apart |", "Additional reporting by Jane Doe",
    "TEHRAN, 9 August 2007 — Iran said on Thursday it was ready for talks.", "Copyright 2007 The Financial Times",
    BODY, BODY_2, "    The dry period means the temporao will be late this year.", "Net 5,436,000 vs 3,888,000",
    "Mr. Maliki,", "the", "—", "(AP Photo/Hadi Mizban)", "Credit Nabil Al-Jurani/Associated Press",
]
# Pages made of the lines a scrape is made of, with random line breaks, indents and noise between them.
PAGES = st.lists(
    st.sampled_from(PAGE_LINES) | st.text(max_size=60),
    max_size=40,
).flatmap(lambda lines: st.lists(st.sampled_from(["\n", "\n\n", "\n  ", "\r\n", " \n\t\n"]), min_size=len(lines),
                                 max_size=len(lines)).map(lambda breaks: "".join(a + b for a, b in zip(lines, breaks))))
TEXTS = st.text() | PAGES


@given(TEXTS)
def test_split_blocks_keeps_every_word_in_order(text):
    assert " ".join(split_blocks(text)).split() == text.split()


@given(TEXTS, st.sampled_from(["text", "html", "jsonl"]), st.none() | st.sampled_from(PAGE_LINES) | st.text())
def test_body_blocks_only_hold_words_of_the_input(text, format, title):
    found = clean(Document(source="fuzz", text=text, format=format, title=title))
    assert all(block.text.strip() for block in found)
    body_words = Counter(word for block in found if block.role == "body" for word in block.text.split())
    assert not body_words - Counter(text.split())
