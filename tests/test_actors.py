"""Actor extraction (find_actors), the corpus alias merge (merge_aliases) and user overrides."""
from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from searchkit.read.actors import Overrides, find_actors, load_overrides, merge_aliases
from searchkit.models import ActorMention, ActorRef

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
EXAMPLE_OVERRIDES = Path(__file__).resolve().parent.parent / "searchkit" / "data" / "actor_overrides.example.txt"

# The people each seed names (canonical within the article), checked by hand.
SEED_PEOPLE = {
    "000": {"Nouri al-Maliki", "Condoleezza Rice", "Steven Simon", "David Petraeus", "Vali R. Nasr",
            "Steven A. Cook", "Richard C. Holbrooke"},
    "001": {"Nuri al-Maliki", "Ali al-Dabbagh", "Ali Akbar Velayati", "Ali Khamenei", "Parviz Davoodi",
            "Mahmoud Ahmadinejad"},
    "002": {"John Kerry", "Obama", "Hassan Rouhani", "Bashar al-Assad", "Saddam Hussein", "Zalmay Khalilzad",
            "Moktada al-Sadr", "Tariq al-Hashimi", "Ryan C. Crocker", "Nabil al-Jurani", "Nuri Kamal al-Maliki"},
    "003": {"Ryan Crocker", "Hassan Kazemi Qomi", "Nouri al-Maliki", "Mowaffaq al-Rubaie", "Hoshyer Zebari",
            "Moqtada al-Sadr", "Gareth Smyth"},
    "004": {"Mohammed Ali Hosseini", "Mirembe Nantongo", "David H. Petraeus", "Muqtada Sadr", "Nouri Maliki"},
}


@pytest.fixture(scope="module")
def seed_mentions() -> dict[str, tuple[str, list[ActorMention]]]:
    out = {}
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        out[path.name[:3]] = (text, find_actors(text))
    return out


def names(mentions: list[ActorMention], kind: str) -> set[str]:
    return {m.name for m in mentions if m.kind == kind and not m.derived}


def one(mentions: list[ActorMention], surface: str) -> ActorMention:
    found = [m for m in mentions if m.text == surface]
    assert found, f"{surface!r} not found in {[m.text for m in mentions]}"
    return found[0]


# find_actors: the seeds


def test_every_mention_is_the_text_at_its_offsets_in_order_without_overlap(seed_mentions):
    for text, mentions in seed_mentions.values():
        assert mentions
        for m in mentions:
            assert text[m.start : m.end] == m.text
        assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))


@pytest.mark.parametrize("seed", sorted(SEED_PEOPLE))
def test_every_person_a_seed_names_is_one_of_its_actors(seed_mentions, seed):
    _, mentions = seed_mentions[seed]
    assert SEED_PEOPLE[seed] <= names(mentions, "person")


def test_capitalised_sentence_starts_and_sects_are_not_people(seed_mentions):
    people = set().union(*(names(m, "person") for _, m in seed_mentions.values()))
    surfaces = {m.text for _, ms in seed_mentions.values() for m in ms}
    assert not {"Back", "Think", "Today", "Shiite", "Sunni", "Analysts"} & (people | surfaces)


def test_green_zone_is_a_place_and_white_house_an_organisation(seed_mentions):
    kinds = {(m.text, m.kind) for _, ms in seed_mentions.values() for m in ms if m.text in ("Green Zone", "White House")}
    assert kinds == {("Green Zone", "place"), ("White House", "organization")}


def test_maliki_crocker_petraeus_and_sadr_are_one_actor_each_across_the_seeds(seed_mentions):
    refs = {ActorRef(m.name, m.kind) for _, ms in seed_mentions.values() for m in ms}
    merged = merge_aliases(refs)
    for surname, spellings in {"Maliki": 4, "Crocker": 2, "Petraeus": 2, "Sadr": 3}.items():
        people = {ref for ref in refs if ref.kind == "person" and ref.name.endswith(surname)}
        assert len(people) == spellings, people
        assert len({merged[ref] for ref in people}) == 1, people


# find_actors: rules on small texts


def test_titles_are_dropped_and_a_surname_resolves_to_the_full_name():
    text = "Iraqi Prime Minister Nuri Al-Maliki held talks. Maliki’s spokesman Ali Al-Dabbagh said so."
    mentions = find_actors(text)
    assert one(mentions, "Nuri Al-Maliki").name == "Nuri al-Maliki"
    assert one(mentions, "Maliki").name == "Nuri al-Maliki"
    assert one(mentions, "Ali Al-Dabbagh").name == "Ali al-Dabbagh"


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_possessives_are_not_part_of_names(apostrophe):
    text = f"Ryan Crocker arrived. Mr Crocker{apostrophe}s remarks were brief, and Iran{apostrophe}s too."
    mentions = find_actors(text)
    assert [(m.text, m.name) for m in mentions] == [
        ("Ryan Crocker", "Ryan Crocker"),
        ("Crocker", "Ryan Crocker"),
        ("Iran", "Iran"),
    ]


def test_a_demonym_is_a_derived_mention_of_its_country():
    m = one(find_actors("Iranian officials met US diplomats."), "Iranian")
    assert (m.kind, m.name, m.derived) == ("place", "Iran", True)


def test_an_apposition_makes_an_unknown_name_a_person():
    text = "Hoshyer Zebari, Iraq’s foreign minister, told the FT. An e-mail from Mirembe Nantongo, a spokeswoman."
    mentions = find_actors(text)
    assert {"Hoshyer Zebari", "Mirembe Nantongo"} <= names(mentions, "person")
    assert one(mentions, "FT").name == "Financial Times"


def test_lowercase_particles_are_part_of_names():
    text = "He accused a prominent politician, Tariq al-Hashimi, and praised Osama bin Laden."
    assert {"Tariq al-Hashimi", "Osama bin Laden"} <= names(find_actors(text), "person")


def test_organisations_by_cue_word_table_and_lowercase_cue():
    text = "The Qods force of Iran's Revolutionary Guards met the Mahdi Army and the Ministry of Oil."
    orgs = names(find_actors(text), "organization")
    assert orgs == {"Quds Force", "Islamic Revolutionary Guard Corps", "Mahdi Army", "Ministry of Oil"}


def test_a_surname_named_before_its_person_is_introduced_is_that_person():
    mentions = find_actors("The Obama administration was open to talks. Mr. Obama notified Congress.")
    assert [m.text for m in mentions if m.kind == "person"] == ["Obama", "Obama"]


def test_a_place_after_a_first_name_is_a_surname_and_a_capitalised_particle_starts_a_name():
    text = "Michael Jordan met George Washington. Osama bin Laden fled. Bin Laden was killed."
    mentions = find_actors(text)
    assert names(mentions, "person") == {"Michael Jordan", "George Washington", "Osama bin Laden"}
    assert one(mentions, "Bin Laden").name == "Osama bin Laden"


def test_a_cue_word_alone_names_nothing():
    assert find_actors("the Bank said on Monday that the Commission agreed.") == []


def test_a_name_split_by_a_hard_line_wrap_is_one_mention():
    text = "The meeting was attended by U.S. trade representative Clayton\nYeutter, who said nothing new."
    assert "Clayton Yeutter" in names(find_actors(text), "person")


def test_a_shouted_byline_gives_people_in_title_case():
    mentions = find_actors("N.Y. TIMES, MICHAEL GORDON & DAVID SANGER\nA senior American diplomat met.")
    assert {"Michael Gordon", "David Sanger"} <= names(mentions, "person")



# find_actors: newswire (Reuters-21578 style)


def found(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.kind) for m in find_actors(text) if not m.derived}


def test_a_dateline_names_its_city_and_state_even_when_no_table_knows_them():
    mentions = find_actors("BUFFALO, N.Y., March 31 - Servotronics Inc said it declared a dividend.")
    assert [(m.text, m.kind, m.name) for m in mentions] == [
        ("BUFFALO", "place", "Buffalo"),
        ("N.Y.", "place", "New York"),
        ("Servotronics Inc", "organization", "Servotronics Inc"),
    ]
    assert one(find_actors("ST. LOUIS, March 18 - Qtly div 10 cts"), "ST. LOUIS").name == "St. Louis"


def test_words_before_a_date_mid_line_are_no_dateline():
    assert found("He met KARSTEN, March 31 - and left.") == set()
    assert found("KARSTEN, March 31 - He left.") == {("KARSTEN", "place")}


def test_state_abbreviations_are_places_and_name_the_town_before_them():
    assert {("El Nido", "place"), ("Calif.", "place")} <= found("output of the El Nido, Calif. plant")
    assert one(find_actors("a Hunt Valley, Md., supplier"), "Md.").name == "Maryland"


def test_a_name_before_a_country_with_a_possessive_is_no_town():
    assert ("Lawson", "place") not in found("the Treasury said Lawson, Britain's chancellor, would speak")


def test_stock_symbols_after_a_company_are_not_actors():
    text = "Olsten Corp <OLS> said Hitachi Ltd of Japan's <HIT.T> unit would buy <Greenwood Resources Inc>."
    assert found(text) == {("Olsten Corp", "organization"), ("Hitachi Ltd", "organization"), ("Japan", "place"),
                           ("Greenwood Resources Inc", "organization")}


def test_and_inside_an_organisation_name_joins_it():
    text = "Progressive Savings and Loan Association and the Organisation for Economic Cooperation and Development"
    assert found(text) == {("Progressive Savings and Loan Association", "organization"),
                           ("Organisation for Economic Cooperation and Development", "organization")}


def test_a_legal_form_ends_a_company_name():
    assert found("Shearson Lehman Brothers Inc and Merrill Lynch and Co said") == {
        ("Shearson Lehman Brothers Inc", "organization"), ("Merrill Lynch and Co", "organization")}


def test_and_after_a_name_opened_by_a_cue_joins_only_name_words():
    assert {("Group of Five", "organization"), ("Canada", "place")} <= found("the Group of Five and Canada accord")


def test_a_rank_inside_or_before_a_company_name_belongs_to_it():
    text = "the Overseas Private Investment Corp. and General Dynamics Corp said"
    assert found(text) == {("Overseas Private Investment Corp.", "organization"),
                           ("General Dynamics Corp", "organization")}
    assert found("Chairman Paul Volcker said") == {("Paul Volcker", "person")}


def test_a_letter_inside_a_name_is_part_of_it_but_no_name_alone():
    assert found("shares of Circle K Corp") == {("Circle K Corp", "organization")}
    assert found("shares of newly authorized Class B common shares") == set()


def test_place_cue_words_make_places():
    text = "Alaska's Prudhoe Bay, Baldwin County and the Strait of Hormuz"
    assert found(text) == {("Alaska", "place"), ("Prudhoe Bay", "place"), ("Baldwin County", "place"),
                           ("Strait of Hormuz", "place")}
    assert found("the Bay said the county agreed") == set()


def test_names_of_agreements_and_programs_hold_no_actors():
    assert found("Greece breached the 1976 Berne Agreement") == {("Greece", "place")}
    assert ("SDI", "organization") not in found("the Strategic Defence Initiative (SDI) has cost")


def test_an_acronym_in_parentheses_is_of_the_kind_it_abbreviates():
    mentions = find_actors("its Cable Value Network (CVN) unit")
    assert one(mentions, "CVN").kind == "organization"


def test_a_firm_named_by_its_partners_is_one_organisation():
    assert found("said lead manager Goldman, Sachs and Co.") == {("Goldman, Sachs and Co.", "organization")}
    assert found("by E.F. Hutton and Co Inc, Kidder Peabody and Co Inc") == {
        ("E.F. Hutton and Co Inc", "organization"), ("Kidder Peabody and Co Inc", "organization")}


def test_two_firms_are_not_glued_into_one():
    assert found("the applications by Citicorp, J.P. Morgan and Co. and Bankers Trust") >= {
        ("Citicorp", "organization"), ("J.P. Morgan and Co.", "organization")}
    # A comma lost in extraction leaves two spaces (or a line break) between the names.
    assert found("the applications by Citicorp  J.P. Morgan and Co. and Bankers Trust") >= {
        ("Citicorp", "organization"), ("J.P. Morgan and Co.", "organization")}
    assert ("Smith Barney, Harris Upham and Co Inc", "organization") in found(
        "managed by Smith Barney, Harris Upham and Co Inc")


def test_common_words_after_a_rank_are_not_people():
    for text in ["said Koichi Tsukihara, Deputy General Manager of Sumitomo Bank Ltd.",
                 "talks under the General Agreements on Tariffs and Trade.",
                 "Deputy Agriculture Secretary Peter Myers said."]:
        assert {m.text for m in find_actors(text) if m.kind == "person"} <= {"Koichi Tsukihara", "Peter Myers"}
    assert ("General Tire", "organization") in found("The unit grew. General Tire said it has 84 retail outlets.")
    assert ("General Automation", "organization") in found("General Automation said all ZEBRA computers will be upgradable.")
    assert ("Fahd", "person") in found("King Fahd said")


def test_a_new_speaker_after_a_comma_is_no_apposition():
    assert found("caused no damage to the copper mine at Chuquicamata, a mine spokesman said.") == set()
    assert ("Shaukat Aziz", "person") in found("the branch opened here, Shaukat Aziz, SAMBA managing director said.")


def test_a_sentence_opening_word_the_text_writes_in_lowercase_is_no_person():
    text = "Shares rose this morning, traders said.\n\nTraders said he raised his recommendation of Temple Inland."
    assert all(m.kind != "person" for m in find_actors(text))
    text = "Stephen Rose spoke. Shares rose.\n\nRose said he would buy."
    assert [m.name for m in find_actors(text) if m.text == "Rose"] == ["Stephen Rose"]


def test_a_name_after_the_is_no_person_by_a_pronoun_alone():
    assert all(m.kind != "person" for m in find_actors("The Post said he might testify."))
    assert ("Reagan", "person") in found("the Reagan administration said")


def test_the_administration_of_a_person_the_text_names_is_that_person():
    mentions = find_actors("President Reagan spoke. The Reagan Administration said it would act.")
    assert [(m.text, m.kind) for m in mentions] == [("Reagan", "person")] * 2
    assert found("The Food and Drug Administration said.") == {("Food and Drug Administration", "organization")}


def test_a_sentences_first_word_read_apart_is_the_given_name_of_the_person_after_it():
    text = ("Tokyo politics.\n\nMichio Watanabe, a Nakasone faction member and deputy secretary general, spoke.\n\n"
            "Watanabe said he would run.")
    assert [(m.text, m.name) for m in find_actors(text) if m.kind == "person"] == [
        ("Michio Watanabe", "Michio Watanabe"), ("Watanabe", "Michio Watanabe")]
    text = "Aides left.\n\nReplacing Greeniaus as president is Smith. Greeniaus said he would stay."
    assert "Replacing Greeniaus" not in {m.text for m in find_actors(text)}


def test_names_spelt_with_a_possessive_keep_it():
    text = "Moody's Investors Service said McDonald's Corp and Iran's oil ministry"
    assert found(text) == {("Moody's Investors Service", "organization"), ("McDonald's Corp", "organization"),
                           ("Iran", "place")}


def test_korean_given_names_keep_their_lowercase_syllable():
    assert ("Ban Ki-moon", "person") in found("UN chief Ban Ki-moon said")
    assert ("Iran", "place") in found("the Iran-led bloc")


def test_what_follows_a_lone_name_tells_a_company_from_a_person():
    assert found("Westmin said it has sold its stake.") == {("Westmin", "organization")}
    assert found("Reagan has said he would veto it.") == {("Reagan", "person")}
    assert found("Miyazawa said it appears difficult.") == set()


def test_shares_prices_and_stakes_are_a_company_s():
    text = "Newman shares eased while Hawker was unchanged at 528p. Paul Hylbert, president of Sequoia, has been named"
    assert {("Newman", "organization"), ("Hawker", "organization"), ("Sequoia", "organization")} <= found(text)
    assert found("Remaining shareholders would have until May.") == set()


def test_an_administration_a_nomination_or_a_speaker_is_a_person_s():
    text = "if the Reagan administration did. Verity, speaking to a conference, said the Gates nomination failed."
    assert found(text) == {("Reagan", "person"), ("Verity", "person"), ("Gates", "person")}


def test_a_place_name_before_based_is_a_place():
    assert ("Oporto", "place") in found("a stake in Oporto-based Banco Portugues de Investimento")


def test_a_name_opened_by_a_foreign_company_word_is_an_organisation():
    assert ("Banco Portugues de Investimento", "organization") in found("a stake in Banco Portugues de Investimento")


def test_a_surname_of_a_person_in_the_text_beats_a_guess_from_context():
    mentions = find_actors("Minister Mutsuki Kato arrived. The meeting with Kato opened a 12-day visit.")
    assert [m.kind for m in mentions] == ["person", "person"]


def test_an_organisation_that_opens_a_title_is_a_mention():
    assert found("Treasury Secretary James Baker said") == {("Treasury", "organization"), ("James Baker", "person")}
    assert found("Energy Secretary John Herrington said") == {("John Herrington", "person")}


def test_the_article_is_not_part_of_an_organisation_s_span():
    assert one(find_actors("The Washington Post says so."), "Washington Post").kind == "organization"


def test_a_leading_initial_makes_a_name_a_person_s():
    assert ("A. Karasmasoglu", "person") in found("signed by A. Karasmasoglu, World Bank vice-president")


def test_the_first_words_of_a_company_named_in_full_name_that_company():
    mentions = find_actors("Santa Fe Southern Pacific Corp said Santa Fe would sell. Salomon Brothers Inc agreed.")
    assert (one(mentions, "Santa Fe").kind, one(mentions, "Santa Fe").name) == (
        "organization", "Santa Fe Southern Pacific Corp")
    mentions = find_actors("Gerald Ford bought Ford Motor Co shares. Ford said he would.")
    assert [m.kind for m in mentions if m.text == "Ford"] == ["person"]


def test_a_person_a_firm_is_named_after_stays_a_person():
    assert ("Ivan Boesky", "person") in found("trader Ivan Boesky controls Ivan Boesky and Co L.P.")

# merge_aliases


def person(name: str) -> ActorRef:
    return ActorRef(name, "person")


def org(name: str) -> ActorRef:
    return ActorRef(name, "organization")


def place(name: str) -> ActorRef:
    return ActorRef(name, "place")


def test_transliteration_variants_are_one_actor():
    groups = [
        [person("Nouri al-Maliki"), person("Nuri Al-Maliki"), person("Nouri Maliki"), person("Nuri al Maliki")],
        [person("Moqtada al-Sadr"), person("Moktada al-Sadr"), person("Muqtada Sadr")],
        [org("Qods Force"), org("Quds force")],
    ]
    merged = merge_aliases([ref for group in groups for ref in group])
    for group in groups:
        assert len({merged[ref] for ref in group}) == 1


def test_a_middle_named_form_joins_the_shorter_full_name():
    refs = [person("Nuri Kamal al-Maliki"), person("Nouri al-Maliki"), person("Ryan C. Crocker"), person("Ryan Crocker")]
    merged = merge_aliases(refs)
    assert merged[person("Nouri al-Maliki")] == person("Nuri Kamal al-Maliki")
    assert merged[person("Ryan Crocker")] == person("Ryan C. Crocker")


def test_a_bare_surname_joins_the_only_person_with_that_surname():
    merged = merge_aliases([person("Maliki"), person("Nouri al-Maliki"), person("Nuri Kamal al-Maliki")])
    assert merged[person("Maliki")] == merged[person("Nouri al-Maliki")] == person("Nuri Kamal al-Maliki")


def test_people_sharing_a_surname_stay_apart_and_the_bare_surname_alone():
    refs = [person("George Bush"), person("Laura Bush"), person("Bush"), person("George W. Bush")]
    merged = merge_aliases(refs)
    assert merged[person("George Bush")] == person("George W. Bush")
    assert merged[person("Laura Bush")] == person("Laura Bush")
    assert merged[person("Bush")] == person("Bush")


def test_a_bare_surname_joins_the_person_who_clearly_dominates_the_corpus():
    # Reuters-21578: "Reagan" alone in 480 articles; Ronald Reagan named in full in 24, Nancy and Michael in one each.
    counts = {person("Reagan"): 480, person("Ronald Reagan"): 24, person("Nancy Reagan"): 1, person("Michael Reagan"): 1}
    merged = merge_aliases(counts)
    assert merged[person("Reagan")] == person("Ronald Reagan")
    assert merged[person("Nancy Reagan")] == person("Nancy Reagan")


def test_a_bare_surname_of_two_well_known_people_stays_alone():
    # James Baker (Treasury) and Howard Baker (White House) in the same months, Reuters passages: 534 and 61.
    counts = {person("Baker"): 300, person("James Baker"): 534, person("Howard Baker"): 61, person("Jim Baker"): 1}
    assert merge_aliases(counts)[person("Baker")] == person("Baker")
    # One-off forms beside the leader do not hide it: Reagan after 51 Ronald Reagan and a few others.
    counts = {person("Reagan"): 990, person("Ronald Reagan"): 51, person("Nancy Reagan"): 2, person("Michael Reagan"): 1,
              person("Athough Reagan"): 2}
    assert merge_aliases(counts)[person("Reagan")] == person("Ronald Reagan")
    # A leader of a handful of passages is no evidence either.
    assert merge_aliases({person("Watanabe"): 5, person("Fumio Watanabe"): 7})[person("Watanabe")] == person(
        "Fumio Watanabe")
    few = {person("Watanabe"): 5, person("Fumio Watanabe"): 7, person("Takeshi Watanabe"): 1}
    assert merge_aliases(few)[person("Watanabe")] == person("Watanabe")


def test_different_first_names_are_different_people():
    merged = merge_aliases([person("Ali Hassan"), person("Ola Hassan"), person("Dan Smith"), person("Don Smith")])
    assert all(ref == canonical for ref, canonical in merged.items())


def test_acronyms_join_their_expansion_from_the_table_or_from_initials():
    refs = [place("U.S."), place("US"), place("United States"), org("ISIS"), org("Islamic State in Iraq and Syria"),
            org("NIOC"), org("National Iranian Oil Company")]
    merged = merge_aliases(refs)
    assert {merged[r] for r in refs[:3]} == {place("United States")}
    assert merged[org("ISIS")] == org("Islamic State in Iraq and Syria")
    assert merged[org("NIOC")] == org("National Iranian Oil Company")


def test_an_acronym_the_text_defines_names_the_organisation_it_abbreviates():
    for text, expansion in [
        ("The International Coffee Organization (ICO) council met. ICO delegates left.", "International Coffee Organization"),
        ("LONDON - the International Coffee Organisation, ICO, executive board meets. The ICO said it would wait.",
         "International Coffee Organisation"),
    ]:
        acronyms = [m for m in find_actors(text) if m.text == "ICO"]
        assert [(m.kind, m.name) for m in acronyms] == [("organization", expansion)] * 2


def test_british_and_american_spellings_of_an_organisation_are_one():
    refs = [org("International Coffee Organisation"), org("International Coffee Organization"), org("ICO")]
    assert len(set(merge_aliases(refs).values())) == 1


def test_organisation_names_that_differ_in_small_words_are_one():
    refs = [org("Organisation of Economic Cooperation and Development"),
            org("Organization for Economic Cooperation and Development"), org("OECD")]
    assert len(set(merge_aliases(refs).values())) == 1
    assert merge_aliases([org("Bank of Japan"), org("Japan Bank")])[org("Japan Bank")] == org("Japan Bank")


def test_an_agency_acronym_and_both_word_orders_of_its_name_are_one():
    refs = [org("USDA"), org("U.S. Agriculture Department"), org("U.S. Department of Agriculture")]
    assert len(set(merge_aliases(refs).values())) == 1
    assert len(set(merge_aliases([org("Finance Ministry"), org("Ministry of Finance")]).values())) == 1
    assert merge_aliases([org("Bank of Japan"), org("Japan Bank")])[org("Japan Bank")] == org("Japan Bank")


def test_an_acronym_is_not_a_person_whatever_follows_it():
    assert find_actors("The council of the CFTC said he would act.")[0].kind == "organization"


def test_an_acronym_with_two_possible_expansions_stays_alone():
    refs = [org("NIOC"), org("National Iranian Oil Company"), org("Nigerian Independent Oil Council")]
    assert merge_aliases(refs)[org("NIOC")] == org("NIOC")


def test_kinds_never_merge():
    merged = merge_aliases([person("Jordan"), place("Jordan")])
    assert merged[person("Jordan")] == person("Jordan")


def test_the_canonical_is_the_most_frequent_spelling_of_the_longest_form():
    counts = {person("Nouri al-Maliki"): 3, person("Nuri al-Maliki"): 9, person("Maliki"): 40}
    assert set(merge_aliases(counts).values()) == {person("Nuri al-Maliki")}


def test_merge_depends_only_on_the_set_not_its_order():
    refs = [person("Nouri al-Maliki"), person("Nuri Al-Maliki"), person("Maliki"), person("Nuri Kamal al-Maliki"),
            person("Bush"), person("George Bush"), person("Laura Bush"), place("US"), place("U.S."),
            place("United States"), org("Qods Force"), org("Quds Force"), org("CFR"), org("Council on Foreign Relations")]
    expected = merge_aliases(refs)
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(refs)
        assert merge_aliases(refs) == expected


def test_merge_of_ten_thousand_refs_maps_every_ref():
    """Speed is measured by benchmarks/actors.py; here, that a large random corpus maps every ref once."""
    rng = random.Random(1)
    first = ["Ali", "Hassan", "John", "Mary", "Nouri", "Nuri", "David", "Ryan", "Omar", "Laura", "Vali", "Steven"]

    def word() -> str:
        return "".join(rng.choice("bcdfghklmnprstaeiou") for _ in range(rng.randint(4, 9))).capitalize()

    refs = {person(f"{rng.choice(first)} {word()}") for _ in range(6000)} | {person(word()) for _ in range(1000)}
    refs |= {org(f"{word()} {word()} Council") for _ in range(2000)} | {place(word()) for _ in range(1000)}
    merged = merge_aliases(refs)
    assert set(merged) == refs
    assert all(target.kind == ref.kind for ref, target in merged.items())


# overrides


def test_the_example_overrides_file_reads():
    overrides = load_overrides(EXAMPLE_OVERRIDES)
    assert overrides.is_ignored("green zone")
    assert overrides.target(person("Abu Esraa")) == person("Nouri al-Maliki")
    assert overrides.target(place("Abu Esraa")) is None  # the rule is for people only


def test_overrides_rename_recognise_and_ignore_in_find_actors():
    overrides = Overrides.parse("person: Nouri al-Maliki = Abu Esraa | Nuri Kamal al-Maliki\n! Green Zone\n")
    text = "Prime Minister Nuri Kamal al-Maliki, known as Abu Esraa, visited the Green Zone."
    mentions = find_actors(text, overrides=overrides)
    assert [(m.text, m.name) for m in mentions] == [
        ("Nuri Kamal al-Maliki", "Nouri al-Maliki"),
        ("Abu Esraa", "Nouri al-Maliki"),
    ]


def test_overrides_force_merges_and_drop_ignored_refs_in_merge_aliases():
    overrides = Overrides.parse("Moqtada al-Sadr = Sayyid Moqtada\n! Babylon\n")
    refs = [person("Sayyid Moqtada"), person("Moktada al-Sadr"), person("Moqtada al-Sadr"), place("Babylon")]
    merged = merge_aliases(refs, overrides=overrides)
    assert place("Babylon") not in merged
    assert {merged[r] for r in refs[:3]} == {person("Moqtada al-Sadr")}


def test_an_unreadable_override_line_is_an_error():
    with pytest.raises(ValueError):
        Overrides.parse("just some words")
