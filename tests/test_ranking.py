"""Articles grouped by article (`per_article`) are ranked by the whole article; passages stay passage-level."""
import json

import pytest

from searchkit import Index

FILLER = [
    "The council met on Tuesday to discuss the budget for the coming year and the repairs to the town hall roof.",
    "Rain is expected over the weekend, with strong winds along the coast and cooler nights inland this week.",
    "The football club signed two young players from the academy and promoted its assistant coach to manager.",
]


def article(article_id: str, paragraphs: list[str]) -> dict:
    return {"id": article_id, "title": "", "date": "2007-05-01", "text": "\n\n".join(paragraphs)}


@pytest.fixture(scope="module")
def docks_index(tmp_path_factory):
    """'all-about' speaks of the dock strike in each of its four paragraphs; 'one-paragraph' has a single short
    paragraph that says 'dock strike' twice, and three paragraphs about other things."""
    records = [
        article("all-about", [
            "Dockers at the port began a strike on Monday after talks with the harbour board over pay broke down late.",
            "The union said the dock strike would go on until the board offered a rise that kept pace with prices.",
            "Ships waited outside the harbour as the strike closed every berth, and the dock stood silent all week.",
            "Shippers warned that a long dock strike would cost the port its trade with the northern ports again.",
        ]),
        article("one-paragraph", ["A dock strike, the union warned, could follow: a dock strike over pay."] + FILLER),
        article("other-1", FILLER + ["The harbour master retired after forty years of service to the town and port."]),
        article("other-2", ["Pay talks for nurses resumed in the capital, where the union asked for a rise this year."]
                + FILLER),
    ]
    folder = tmp_path_factory.mktemp("docks")
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with Index(folder / "ix") as ix:
        ix.add([folder / "feed.jsonl"])
        yield ix


def articles_of(hits) -> list[str]:
    return list(dict.fromkeys(hit.article_id for hit in hits))


def test_an_article_about_the_query_throughout_ranks_above_one_with_a_single_better_paragraph(docks_index):
    passages = docks_index.search("dock strike", match="any", limit=100).hits
    assert passages[0].article_id == "one-paragraph"  # its short paragraph is the best single passage
    grouped = docks_index.search("dock strike", match="any", per_article=1, limit=10).hits
    assert articles_of(grouped)[:2] == ["all-about", "one-paragraph"]


def test_the_passage_shown_for_an_article_is_still_its_best_passage(docks_index):
    passages = docks_index.search("dock strike", match="any", limit=100).hits
    best = {}
    for hit in passages:
        best.setdefault(hit.article_id, hit.passage_id)
    grouped = docks_index.search("dock strike", match="any", per_article=1, limit=10).hits
    assert {hit.article_id: hit.passage_id for hit in grouped} == best


def test_each_article_shows_its_best_passages_in_passage_order(docks_index):
    passages = docks_index.search("dock strike", match="any", limit=100).hits
    grouped = docks_index.search("dock strike", match="any", per_article=2, limit=10).hits
    for article_id in articles_of(grouped):
        shown = [h.passage_id for h in grouped if h.article_id == article_id]
        assert shown == [h.passage_id for h in passages if h.article_id == article_id][:2]


def test_pages_of_articles_follow_one_order(docks_index):
    query = "dock strike pay harbour"
    whole = articles_of(docks_index.search(query, match="any", per_article=1, limit=10).hits)
    paged = [h.article_id for page in (1, 2, 3, 4)
             for h in docks_index.search(query, match="any", per_article=1, limit=1, page=page).hits]
    assert paged == whole and len(whole) == 4


def test_words_of_other_articles_do_not_lift_an_article_without_the_query_words(docks_index):
    grouped = articles_of(docks_index.search("dock", match="any", per_article=1, limit=10).hits)
    assert set(grouped) == {"all-about", "one-paragraph"}  # feedback words re-rank, they never add matches


def test_ungrouped_passages_keep_the_passage_ranking(docks_index):
    scores = [hit.score for hit in docks_index.search("dock strike", match="any", limit=100).hits]
    assert scores == sorted(scores, reverse=True)
