"""HTML pages read as articles (searchkit.read.html_page): the article's own paragraphs, never the furniture around
it, and only what the page states of itself. Each page is small and crafted after a kind of real page."""
from __future__ import annotations

import json
import socket

import pytest

from searchkit.read.ingest import read_html
from searchkit.read.pipeline import build_article

STORY = [
    "Ryan Crocker, the US ambassador to Baghdad, said on Monday that the talks with Iranian officials had been "
    "businesslike and that both sides had set out their positions on security in Iraq.",
    "The meeting in the Green Zone was the first formal contact between the two governments in almost three "
    "decades, and it lasted about four hours, according to officials who attended it.",
    "Hassan Kazemi Qomi, Iran's envoy, told reporters afterwards that Tehran was ready to help train and equip the "
    "Iraqi army and police if Washington changed its policy toward the region.",
    "Iraqi Prime Minister Nouri al-Maliki opened the session by urging both countries to keep their quarrels out "
    "of Iraq, whose security forces are still struggling to contain the violence.",
]


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><title>Talks in Baghdad</title>{head}</head><body>{body}</body></html>"


def paragraphs(texts: list[str] = STORY) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def body_blocks(html: str) -> list[str]:
    return [block for block in read_html(html, "page.html").text.split("\n\n") if block]


def assert_story_read(html: str) -> str:
    text = read_html(html, "page.html").text
    for paragraph in STORY:
        assert paragraph in text
    return text


def test_root_is_the_story_not_an_ad_slot_article():
    ad = "<article class='ad'>Advertisement: save 20 percent on a new phone today</article>"
    text = assert_story_read(page(ad + f"<div class='story'>{paragraphs()}</div>"))
    assert "Advertisement" not in text


def test_root_is_the_story_not_an_article_of_schema_org_meta_tags():
    schema = ("<article itemscope itemtype='http://schema.org/NewsArticle'><meta itemprop='headline' "
              "content='Talks in Baghdad'><meta itemprop='datePublished' content='2007-05-28'></article>")
    assert_story_read(page(schema + f"<div class='story'>{paragraphs()}</div>"))


def test_root_is_the_story_not_a_see_also_card():
    card = ("<article class='card'><h3><a href='/guide'>See also: Iran's nuclear programme</a></h3>"
            "<p><a href='/guide'>Read our guide to the talks so far.</a></p></article>")
    text = assert_story_read(page(card + f"<div class='story-body'>{paragraphs()}</div>"))
    assert "See also" not in text


def test_root_is_the_post_not_the_reader_comments():
    comments = "".join(
        f"<article class='comment'><p>{who} wrote: I do not believe a word of this, the talks will fail again and "
        f"nothing will change for the people of Iraq.</p></article>" for who in ("Bob", "Alice", "Carol"))
    html = page(f"<div class='post-content'>{paragraphs()}</div><section id='comments'><h2>Comments</h2>"
                f"{comments}</section>")
    text = assert_story_read(html)
    assert "wrote" not in text


def test_page_wrapped_in_a_form_is_read():
    html = page(f"<form id='aspnetForm' method='post' action='./story.aspx'><div id='main'>{paragraphs()}</div>"
                "<input type='hidden' name='__VIEWSTATE' value='x'></form>")
    assert_story_read(html)


def test_div_paragraphs_are_read_as_paragraphs_beside_a_menu():
    menu = "<ul class='menu'><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul>"
    divs = "".join(f"<div>{text}</div>" for text in STORY)
    blocks = body_blocks(page(menu + f"<div class='article-text'>{divs}</div>"))
    assert [b for b in blocks if b in STORY] == STORY


def test_text_split_by_br_is_read_beside_a_menu():
    menu = "<ul class='menu'><li><a href='/'>Home</a></li></ul>"
    html = page(f"{menu}<div class='entry'>{'<br><br>'.join(STORY)}</div>")
    text = read_html(html, "page.html").text
    for paragraph in STORY:
        assert paragraph in " ".join(text.split())


def test_menus_of_list_items_outside_nav_are_not_body():
    menu = "<ul class='sections'>" + "".join(
        f"<li><a href='/{name.lower()}'>{name}</a></li>" for name in
        ["Home", "World", "Politics", "Business", "Opinion", "Sport", "Culture", "Travel"]) + "</ul>"
    blocks = body_blocks(page(menu + f"<div class='content'>{paragraphs()}</div>"))
    assert not {"Home", "World", "Politics", "Business"} & set(blocks)


def test_inline_children_are_separated_from_each_other():
    author_box = ("<li class='author'><div class='label'>Biography</div><div class='name'>Sarah E. Needleman</div>"
                  "</li>")
    html = page(f"<div class='story'>{paragraphs()}<ul>{author_box}</ul></div>")
    assert "BiographySarah" not in read_html(html, "page.html").text


def test_cjk_text_keeps_its_characters_across_inline_tags():
    chinese = "伊朗和美国官员周一在巴格达举行了近三十年来的首次正式<b>会谈</b>，双方就伊拉克安全问题阐述了各自的立场。" * 3
    text = read_html(page(f"<article><p>{chinese}</p>{paragraphs()}</article>"), "page.html").text
    assert chinese.replace("<b>", "").replace("</b>", "") in text


def test_captions_stay_captions_with_their_credit_apart_from_the_body():
    figure = ("<figure><img src='crocker.jpg'><figcaption>Ryan Crocker in Baghdad.<span class='credit'>Photo: "
              "AP</span></figcaption></figure>")
    document = read_html(page(f"<article>{paragraphs(STORY[:2])}{figure}{paragraphs(STORY[2:])}</article>"),
                         "page.html")
    assert document.captions == ["Ryan Crocker in Baghdad. Photo: AP"]
    assert "Photo: AP" not in document.text and "Ryan Crocker in Baghdad." not in document.text


def test_paragraphs_become_passages():
    article = build_article(read_html(page(f"<article>{paragraphs()}</article>"), "page.html"), "talks")
    assert [passage.text for passage in article.passages] == STORY


def test_page_without_a_date_has_no_date():
    # A date the text mentions and the footer's copyright year are not the article's date; htmldate's extensive
    # search would take the first.
    mentioned = "<p>The last such meeting, on March 12, 2007, ended without any agreement at all.</p>"
    html = page(f"<article>{paragraphs()}{mentioned}</article><div class='footer'>© 2019 Example News</div>")
    document = read_html(html, "page.html")
    assert document.date is None
    assert build_article(document, "talks").date is None


def json_ld_page(**fields) -> str:
    """The story under a page whose JSON-LD states `fields` (authors as a list of names)."""
    record = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    record["author"] = [{"@type": "Person", "name": name} for name in fields.get("author", [])]
    script = f'<script type="application/ld+json">{json.dumps(record)}</script>'
    return page(f"<article>{paragraphs()}</article>", head=script)


def test_stated_date_authors_and_site_name_are_read_from_json_ld():
    html = json_ld_page(headline="Talks in Baghdad", datePublished="2007-05-28T14:46:00Z",
                        author=["Steve Negus", "Guy Dinmore"],
                        publisher={"@type": "Organization", "name": "Financial Times"})
    document = read_html(html, "page.html")
    assert document.authors == ["Steve Negus", "Guy Dinmore"]
    assert document.date.startswith("2007-05-28")
    assert document.outlet == "Financial Times"


def test_a_page_that_is_a_url_is_never_fetched(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("read_html opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for text in ["https://www.example.com/2019/11/18/story.html", "http://example.com/a"]:
        document = read_html(text, "page.html")
        assert document.date is None


def test_a_fragment_and_a_page_too_deep_for_lxml_are_still_read():
    assert_story_read(paragraphs())
    deep = "<div>" * 1500 + paragraphs() + "</div>" * 1500
    assert_story_read(page(deep))


def test_markup_that_breaks_trafilatura_is_read_by_the_fallback():
    assert_story_read(page(f"<svg><div></div><div></div></svg>{paragraphs()}"))


def test_authors_found_on_a_page_are_people_not_job_titles_or_agencies():
    html = json_ld_page(author=["Tom Krisher", "AP Auto Writer", "Phil Helsel is a reporter"])
    assert build_article(read_html(html, "page.html"), "talks").authors == ["Tom Krisher"]
