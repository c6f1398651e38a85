"""Topics for the lead summary: what a mentor reads before the first call must be what the visitor said."""

from __future__ import annotations

import time

import pytest

from bot.nlp.pipeline import dutch_pipeline
from bot.nlp.topics import MAX_CHARS, extract_topics

VISITORS = [
    # (what a visitor wrote, the topics a mentor should see, in order)
    ("ik vind presenteren eng en moet leren delegeren", ["presenteren", "delegeren"]),
    ("Vorige week presenteerde ik voor het eerst en ik heb nog nooit iets gedelegeerd",
     ["presenteren", "delegeren"]),
    ("Ik delegeer te weinig, ook al geef ik presentaties aan het hele team",
     ["delegeren", "presenteren"]),
    ("Ik wil mijn presentatievaardigheden verbeteren, spreken in het openbaar vind ik doodeng",
     ["presenteren"]),
    ("ik ben net leidinggevende over mijn oud-collega's",
     ["leidinggeven", "van collega naar leidinggevende"]),
    ("Mijn leidinggevende geeft nooit feedback en ik durf geen nee te zeggen",
     ["relatie met leidinggevende", "feedback", "assertiviteit"]),
    ("Ik ben gestrest door de hoge werkdruk en mijn werk-privébalans is helemaal weg",
     ["stress", "werkdruk", "werk-privébalans"]),
    ("Ik kan niet goed plannen en stel alles uit", ["timemanagement", "uitstelgedrag"]),
    ("Ik voel me onzeker in vergaderingen en laat iedereen over me heen lopen",
     ["zelfvertrouwen", "vergaderen", "assertiviteit"]),
    ("Ik heb drie sollicitatiegesprekken gehad maar nog steeds geen nieuwe baan",
     ["solliciteren", "nieuwe baan"]),
    ("Ik wil een carrièreswitch maken, misschien omscholen naar de zorg", ["carrièreswitch"]),
    ("Ik werk sinds maandag als teamleider en moet straks functioneringsgesprekken voeren",
     ["leidinggeven", "functioneringsgesprekken"]),
    ("Hoe leer ik EXCEL en een beetje Python?", ["Excel", "programmeren"]),
    ("We willen een mentorprogramma opzetten zodat nieuwe medewerkers sneller ingewerkt zijn",
     ["mentorprogramma", "inwerken"]),
    ("Onze oudere collega's snappen weinig van AI-tools; kan een jongere collega helpen?",
     ["generatiekloof", "nieuwe technologie"]),
    ("Sinds mijn burn-out ben ik aan het re-integreren", ["burn-out", "terugkeer naar werk"]),
    ("Mijn team zit vast in conflicten en de samenwerking loopt stroef",
     ["conflicten hanteren", "samenwerken"]),
    ("Ik wil beter onderhandelen over mijn salaris en leren netwerken",
     ["onderhandelen", "netwerken"]),
]

FLEMISH = [
    ("Ik heb een nieuwe job en men baas verwacht heel veel", ["nieuwe baan", "relatie met leidinggevende"]),
    ("Ik heb mijn C4 gekregen en ben aan het solliciteren", ["ontslag", "solliciteren"]),
    ("Ik ben zelfstandige en wil mijn netwerk uitbreiden", ["ondernemerschap", "netwerken"]),
    ("Mijn chef vindt dat ik te veel telewerk", ["relatie met leidinggevende", "thuiswerken"]),
    ("Ik ben pas diensthoofd en heb geen goesting meer in al die evaluatiegesprekken",
     ["leidinggeven", "motivatie", "functioneringsgesprekken"]),
    ("Met een loopbaancheque wil ik eens nadenken over mijn loopbaan", ["loopbaan"]),
]

SMALL_TALK = [
    "hoi, dank je", "Goedemorgen!", "ja", "nee", "oké bedankt, doei", "weet ik niet",
    "geen idee wat ik nodig heb", "ik wil een mentor", "praat met een mentor",
    "wat is het verschil tussen coaching en mentoring?", "liever 1-op-1, een paar maanden",
    "in een groep graag", "iemand die vragen stelt", "het gaat om mijn werk", "opnieuw",
]


@pytest.mark.parametrize(("text", "topics"), VISITORS + FLEMISH, ids=[t for t, _ in VISITORS + FLEMISH])
def test_a_mentor_reads_the_topics_the_visitor_named(text, topics):
    assert extract_topics([text]) == topics


@pytest.mark.parametrize("text", SMALL_TALK)
def test_small_talk_and_answers_to_the_assistant_are_no_topic(text):
    assert extract_topics([text]) == []


@pytest.mark.parametrize("text", [
    "presenteren", "Presenteren", "ik presenteer", "hij presenteert", "ik presenteerde",
    "ik heb gepresenteerd", "mijn presentaties", "PRESENTATIE", "ik moet pitchen",
])
def test_every_form_of_a_word_finds_the_same_topic(text):
    assert extract_topics([text]) == ["presenteren"]


def test_topics_follow_the_order_of_first_mention_across_messages():
    conversation = [
        "hoi",
        "Mijn baas zegt dat ik meer moet delegeren",
        "en eigenlijk ben ik ook gewoon onzeker",
        "dat delegeren lukt me echt niet, en mijn baas helpt niet",
    ]
    assert extract_topics(conversation) == ["relatie met leidinggevende", "delegeren", "zelfvertrouwen"]


def test_a_topic_mentioned_twice_in_other_words_is_listed_once():
    assert extract_topics(["Presenteren vind ik eng.", "Vooral een presentatie voor de directie."]) \
        == ["presenteren"]


def test_the_longest_phrase_decides_between_overlapping_topics():
    assert extract_topics(["ik ben leidinggevende"]) == ["leidinggeven"]
    assert extract_topics(["ik ben net begonnen en mijn leidinggevende is streng"]) \
        == ["inwerken", "relatie met leidinggevende"]


def test_limit_keeps_the_first_topics():
    text = "presenteren, delegeren, netwerken, onderhandelen, Excel en stress"
    assert extract_topics([text]) == ["presenteren", "delegeren", "netwerken", "onderhandelen", "Excel", "stress"]
    assert extract_topics([text], limit=3) == ["presenteren", "delegeren", "netwerken"]
    assert extract_topics([text], limit=0) == []


def test_default_limit_is_ten():
    text = ("presenteren delegeren netwerken onderhandelen Excel stress werkdruk zelfvertrouwen "
            "loopbaan solliciteren pensioen")
    assert extract_topics([text]) == text.split()[:10]  # each word here is its own topic's label


@pytest.mark.parametrize("texts", [[], [""], ["   ", "\n"], ["🙂🙂🙂", "👍"]])
def test_empty_or_emoji_only_input_gives_no_topic(texts):
    assert extract_topics(texts) == []


@pytest.mark.parametrize("run", ["😱" * 20_000, "!" * 20_000, "<" * 20_000])
def test_a_long_run_of_emoji_or_punctuation_is_read_quickly(run):
    extract_topics(["warm-up"])
    started = time.perf_counter()
    assert extract_topics([f"ik wil leren delegeren {run}"]) == ["delegeren"]
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("text", [
    "<script>alert('hack')</script>",
    "<script>presenteren(); delegeren()</script> 🙂",
    "&lt;script&gt;presenteren()&lt;/script&gt;",
    "<style>.stress{color:red}</style><img src=x onerror=alert(1)>",
    "<" * 5_000 + ">",
])
def test_script_and_markup_give_no_topic(text):
    assert extract_topics([text]) == []


def test_markup_around_real_words_does_not_hide_them():
    assert extract_topics(["<b>presenteren</b> 🎤 en <i>delegeren</i>!!"]) == ["presenteren", "delegeren"]
    # Text pasted from an e-mail or web page can carry entities between the words.
    assert extract_topics(["leren presenteren&nbsp;en&nbsp;delegeren"]) == ["presenteren", "delegeren"]


def test_a_curly_apostrophe_from_a_phone_reads_as_a_straight_one():
    assert extract_topics(["Ik ben zzp\u2019er en m\u2019n chef is een klant"]) \
        == ["ondernemerschap", "relatie met leidinggevende"]


def test_a_single_message_passed_bare_is_read_as_one_message():
    assert extract_topics("ik wil leren netwerken") == ["netwerken"]


def test_a_text_of_fifty_thousand_characters_is_read_quickly():
    filler = "Verder gaat het eigenlijk prima met me, echt waar. "
    text = "Ik vind presenteren eng. " + filler * (50_000 // len(filler)) + "Ik wil ook leren delegeren."
    assert len(text) >= 50_000
    extract_topics(["warm-up"])  # the pipeline is built once per process; not what is timed here
    started = time.perf_counter()
    topics = extract_topics([text])
    assert time.perf_counter() - started < 2
    # Only the first MAX_CHARS are read: the opening mention is there, the closing one is not.
    assert len(text) > MAX_CHARS
    assert topics == ["presenteren"]


def test_the_budget_spans_all_messages_of_a_conversation():
    filler = "bla " * (MAX_CHARS // 4)
    assert extract_topics([filler, "ik wil leren delegeren"]) == []
    assert extract_topics(["ik wil leren delegeren", filler]) == ["delegeren"]


def test_the_pipeline_lemmatises_dutch_without_a_download():
    # The `rule` lemmatizer mode would silently return every word unchanged.
    lemmas = [token.lemma_ for token in dutch_pipeline()("Ik presenteerde en delegeer trainingen")]
    assert lemmas == ["ik", "presenteren", "en", "delegeren", "training"]
