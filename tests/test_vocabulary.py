"""The spelling vocabulary kept beside the index."""
from searchkit.search.vocabulary import FILE_NAME, Vocabulary, article_words


def test_article_words_are_lower_case_letters_only_three_or_more():
    assert article_words("Maliki Talks", "He met 2 U.S. envoys in 2007: al-Maliki's aides.") == {
        "maliki", "talks", "met", "envoys", "aides"}


def test_counts_articles_not_occurrences_and_survives_a_save(tmp_path):
    vocabulary = Vocabulary()
    vocabulary.add(article_words(None, "talks talks talks"))
    vocabulary.add(article_words(None, "more talks"))
    vocabulary.save(tmp_path)
    assert Vocabulary.load(tmp_path).frequency("talks") == 2
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]  # the temporary file is gone


def test_near_finds_words_within_the_distance_with_the_same_first_letter():
    vocabulary = Vocabulary()
    for word in ("maliki", "mali", "malik", "kaliki", "negotiations"):
        vocabulary.add({word})
    assert sorted(vocabulary.near("malikki", 2)) == [(1, "maliki"), (2, "malik")]
    assert vocabulary.near("negotiatons", 1) == [(1, "negotiations")]


def test_near_counts_two_swapped_letters_as_one_edit():
    vocabulary = Vocabulary()
    vocabulary.add({"maliki", "booths"})
    assert vocabulary.near("malkii", 1) == [(1, "maliki")]
    assert vocabulary.near("boost", 2) == [(2, "booths")]  # "st" swapped, then "h" added


def test_a_missing_or_broken_file_is_an_empty_vocabulary(tmp_path):
    assert Vocabulary.load(tmp_path).frequency("iran") == 0
    (tmp_path / FILE_NAME).write_text("{broken")
    assert Vocabulary.load(tmp_path).frequency("iran") == 0
