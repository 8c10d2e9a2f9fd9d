from searchkit.read.chunk import MAX_PASSAGE_CHARS, chunk, sentence_spans

LONG_SENTENCE = "Mr. Maliki met Gen. David H. Petraeus and U.S. officials in Baghdad on Monday to discuss security. "


def paragraph(chars: int, word: str = "talks") -> str:
    return " ".join([word] * (chars // (len(word) + 1))) + "."


def test_passage_offsets_slice_the_clean_text():
    text, passages = chunk("a", [paragraph(300), paragraph(400, "iran"), LONG_SENTENCE * 20])
    assert all(text[p.start:p.end] == p.text for p in passages)
    assert [p.position for p in passages] == list(range(len(passages)))


def test_one_passage_per_paragraph():
    text, passages = chunk("a", [paragraph(300), paragraph(400, "iran")])
    assert [p.text for p in passages] == [paragraph(300), paragraph(400, "iran")]
    assert text == paragraph(300) + "\n\n" + paragraph(400, "iran")


def test_short_paragraph_joins_the_next_one():
    _, passages = chunk("a", ["Hosseini today said:", paragraph(300)])
    assert len(passages) == 1 and passages[0].text.startswith("Hosseini today said:\n\n")


def test_short_last_paragraph_joins_the_one_before():
    _, passages = chunk("a", [paragraph(300), "Back soon."])
    assert len(passages) == 1 and passages[0].text.endswith("\n\nBack soon.")


def test_long_paragraph_is_split_at_sentence_ends_not_at_abbreviations():
    _, passages = chunk("a", [LONG_SENTENCE.strip() + " " + (LONG_SENTENCE * 30).strip()])
    assert len(passages) > 1
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    assert all(p.text.startswith("Mr. Maliki met") and p.text.endswith("security.") for p in passages)


def test_text_without_sentence_ends_is_cut_at_spaces():
    _, passages = chunk("a", ["word " * 2000])
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    assert all(not p.text.startswith(" ") and "word" in p.text for p in passages)


def test_no_text_of_the_body_is_lost_or_repeated():
    paragraphs = ["Short.", paragraph(200), (LONG_SENTENCE * 40).strip(), "Tiny", paragraph(150, "iraq")]
    text, passages = chunk("a", paragraphs)
    covered = "".join(p.text for p in passages)
    assert covered.replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert all(a.end <= b.start for a, b in zip(passages, passages[1:]))


def test_passage_ids_name_the_article_and_position():
    _, passages = chunk("000_x", [paragraph(300), paragraph(300)])
    assert [p.passage_id for p in passages] == ["000_x#0", "000_x#1"]


def test_sentences_keep_titles_and_initials_with_their_names():
    text = "Mr. Maliki met Gen. David H. Petraeus in the U.S. on Monday. He said so. Then Dr. Smith left."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Mr. Maliki met Gen. David H. Petraeus in the U.S. on Monday.", "He said so.", "Then Dr. Smith left."]


# --- Properties: for any paragraphs ------------------------------------------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

WORDS = ["Iran", "talks", "Mr.", "Gen.", "U.S.", "Dr.", "St.", "a.m.", "No.", "Jan.", "Inc.", "e.g.", "1.5", "said.",
         "Baghdad?", "end!", "(Reuters)", "“quoted.”", "al-Maliki", "—", "...", "Tehran.", "伊朗", "Ça", "naïve"]
# Paragraphs as `clean` hands them over (non-empty, stripped), from sentences with abbreviations to very long runs
# with no punctuation or no spaces at all (a table, a URL, text in a script without spaces).
PARAGRAPHS = st.one_of(
    st.text(min_size=1).map(str.strip).filter(bool),
    st.lists(st.sampled_from(WORDS) | st.text(min_size=1, max_size=12).map(str.strip).filter(bool), min_size=1,
             max_size=400).map(" ".join),
    st.integers(1, 6000).map(lambda n: ("word " * n).strip()),
    st.integers(1, 5000).map(lambda n: "x" * n),
    st.integers(1, 80).map(lambda n: ("Mr. Maliki met Gen. Petraeus in the U.S. " * n).strip()),
)


def _non_space(text: str) -> list[str]:
    return [ch for ch in text if not ch.isspace()]


@given(st.lists(PARAGRAPHS, min_size=1, max_size=12))
def test_passages_cover_every_character_of_the_body_once_in_order(paragraphs):
    text, passages = chunk("a", paragraphs)
    assert text == "\n\n".join(paragraphs)
    assert [p.position for p in passages] == list(range(len(passages)))
    assert all(text[p.start:p.end] == p.text for p in passages)
    assert all(p.start < p.end for p in passages)
    assert all(a.end <= b.start for a, b in zip(passages, passages[1:]))
    # Only white space may fall between passages: every other character is in exactly one, in order.
    assert all(not text[a.end:b.start].strip() for a, b in zip(passages, passages[1:]))
    assert _non_space("".join(p.text for p in passages)) == _non_space(text)


@given(st.lists(PARAGRAPHS, min_size=1, max_size=12))
def test_no_passage_is_longer_than_the_limit(paragraphs):
    _, passages = chunk("a", paragraphs)
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
