"""The page of `searchkit serve` in headless Chromium (Debian's package, driven by Playwright): search, facets that
filter and unfilter, an article and the back button, the charts, and article text full of script that never runs."""
import json
import os
import re
import shutil

import pytest

from conftest import running_server

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium): no browser tests",
                allow_module_level=True)
# Debian's chromium, headless, and nothing that would reach the network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
expect = sync_api.expect


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.problems = problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    yield page
    context.close()
    assert not problems, problems  # no script error, no CSP violation, no failed request


def search(page, base: str, query: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Search passages").fill(query)
    page.get_by_label("Search passages").press("Enter")
    expect(page.locator("#status")).to_contain_text(" for “")


def facet(page, section: str, value: str):
    return page.locator("#facets").get_by_role("region", name=section).get_by_role("button", name=value)


def test_a_search_shows_passages_with_the_matches_marked(page, seed_server):
    search(page, seed_server, "Iran talks")
    expect(page.locator("#status")).to_contain_text("of 26 passages for “Iran talks”")
    assert page.locator("#hits > li").count() == 10
    marked = {m.lower() for m in page.locator("#hits mark").all_inner_texts()}
    assert {"iran", "talks"} <= marked and all(m.startswith(("iran", "talk")) for m in marked)  # stems match
    assert "q=Iran+talks" in page.url
    expect(page.locator("#timeline svg rect")).not_to_have_count(0)  # matches by month
    expect(page.locator("#timeline figcaption")).to_have_text("Matches by month: most in 2008-04 (11)")


def test_a_facet_click_filters_and_a_second_click_removes_the_filter(page, seed_server):
    search(page, seed_server, "Iran talks")
    facet(page, "Outlet", "Financial Times").click()
    expect(page.locator("#status")).to_contain_text("of 7 passages")
    assert "outlet=Financial+Times" in page.url
    assert all("Financial Times" in m for m in page.locator("#hits .meta").all_inner_texts())
    button = facet(page, "Outlet", "Financial Times")
    expect(button).to_have_attribute("aria-pressed", "true")
    button.focus()
    page.keyboard.press("Enter")  # the second click, from the keyboard
    expect(page.locator("#status")).to_contain_text("of 26 passages")
    assert "outlet=" not in page.url


def test_an_article_opens_whole_and_the_back_button_restores_the_results(page, seed_server):
    search(page, seed_server, "Iran talks")
    facet(page, "Year", "2008").click()
    expect(page.locator("#status")).to_contain_text("of 11 passages")
    results_url = page.url
    first = page.locator("#hits > li h3 a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("#article-title")).to_have_text(title)
    expect(page.locator("#article-view .passage.current")).to_have_count(1)
    expect(page.locator("#results-view")).to_be_hidden()
    expect(page.locator("#article-view dl.facts")).to_contain_text("Los Angeles Times")
    assert page.locator("#article-view .passage").count() > 5
    assert "article=" in page.url
    page.go_back()
    expect(page.locator("#status")).to_contain_text("of 11 passages")
    expect(page.locator("#article-view")).to_be_hidden()
    assert page.url == results_url
    expect(page.get_by_label("Search passages")).to_have_value("Iran talks")
    expect(facet(page, "Year", "2008")).to_have_attribute("aria-pressed", "true")
    page.go_forward()
    expect(page.locator("#article-title")).to_have_text(title)


def test_a_shared_url_opens_the_same_state(page, seed_server):
    page.goto(f"{seed_server}/?q=talks&actor=Nuri+Kamal+al-Maliki&sort=date&per_article=1")
    expect(page.get_by_label("Sort")).to_have_value("date")
    expect(page.locator("#actor-charts figcaption")).to_have_text(
        re.compile(r"^Mentions of Nuri Kamal al-Maliki by month \(all passages\): most in \d{4}-\d\d \(\d+\)$"))
    expect(page.locator("#actor-charts svg rect")).not_to_have_count(0)
    expect(page.locator("#status")).to_contain_text(" articles for “talks”")  # grouped: articles are counted
    ids = [h.get_attribute("href") for h in page.locator("#hits h3 a").all()]
    articles = [re.search(r"[?&]article=([^&]+)", h).group(1) for h in ids]
    assert len(articles) == len(set(articles))  # one passage per article


def test_did_you_mean_offers_a_better_spelling(page, seed_server):
    search(page, seed_server, "Iarn")
    page.locator("#suggestion").get_by_role("link", name="iran").click()
    expect(page.get_by_label("Search passages")).to_have_value("iran")
    expect(page.locator("#hits > li")).not_to_have_count(0)


def test_a_bad_query_says_what_is_wrong(page, seed_server):
    page.goto(seed_server + "/?q=%28")
    expect(page.get_by_role("alert")).to_have_text("unbalanced () in the query '('")
    assert page.problems and all("status of 400" in p for p in page.problems)
    page.problems.clear()  # the refused requests, which the browser logs


def test_the_keyboard_reaches_the_search_box_and_phone_widths_fit(page, seed_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(seed_server + "/?q=iran")
    expect(page.locator("#hits > li")).not_to_have_count(0)
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    expect(page.get_by_label("Search passages")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# -- an article whose every field carries script --------------------------------------------------------------
PAYLOAD = "<script>window.__pwned='script'</script><img src=x onerror=\"window.__pwned='img'\">"
# An alias rule's canonical name may hold no '=', so the actors carry script that needs none.
OVERRIDES = """person: <script>document.title++</script>Kazemi = Hassan Kazemi Qomi
organization: javascript:document.title++ <b>Committee</b> = Tehran Talks Committee
"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from searchkit import Index

    folder = tmp_path_factory.mktemp("xss")
    record = {
        "id": "xss-1", "title": f"{PAYLOAD} Iran talks resume", "date": "2008-01-02", "outlet": f"<b>Evil</b>{PAYLOAD}",
        "authors": ["<svg onload=\"window.__pwned='author'\">"], "url": "javascript:window.__pwned='url'",
        "text": f"Hassan Kazemi Qomi said the Tehran Talks Committee met on Iran talks. {PAYLOAD} "
                "javascript:window.__pwned='text'\n\nA second paragraph about Iran and talks in Baghdad.",
    }
    (folder / "xss.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (folder / "overrides.txt").write_text(OVERRIDES, encoding="utf-8")
    with Index(folder / "ix", actor_overrides=folder / "overrides.txt") as ix:
        ix.add([folder / "xss.jsonl"])
    with running_server(folder / "ix") as url:
        yield url


def assert_nothing_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None
    assert "NaN" not in page.title()
    assert page.locator("#page img, #page script, #page svg[onload], #page b").count() == 0


def test_script_in_articles_shows_as_text_and_never_runs(page, hostile_server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    search(page, hostile_server, "iran talks")
    hit = page.locator("#hits > li").first
    expect(hit.locator("h3")).to_contain_text("<script>window.__pwned='script'</script><img src=x onerror=")
    expect(hit.locator(".meta")).to_contain_text("<b>Evil</b>")
    expect(hit.locator(".snippet")).to_contain_text("<script>window.__pwned='script'</script>")
    expect(hit.locator(".actors")).to_contain_text("<script>document.title++</script>Kazemi")
    expect(page.locator("#facets")).to_contain_text("javascript:document.title++ <b>Committee</b>")
    assert_nothing_ran(page)
    facet(page, "People", "<script>document.title++</script>Kazemi").click()  # its chart and filter
    expect(page.locator("#actor-charts figcaption")).to_contain_text("<script>document.title++</script>Kazemi")
    assert_nothing_ran(page)
    hit.locator("h3 a").click()
    expect(page.locator("#article-title")).to_contain_text("<img src=x onerror=")
    facts = page.locator("#article-view dl.facts")
    expect(facts).to_contain_text("javascript:window.__pwned='url'")
    expect(facts.locator("a")).to_have_count(0)  # a javascript: URL is shown, never linked
    expect(page.locator("#article-view")).to_contain_text("<svg onload=")
    assert_nothing_ran(page)
    assert not dialogs
