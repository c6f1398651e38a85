"""Read the guided-question answers from free Dutch text.

A back-up for the NLU entities: DIET is good at the phrasings it was trained
on, this parser catches the plain keywords it may miss ("1-op-1", "paar
maanden", "in een groepje", "iemand die het vak kent en het voordoet") so a
visitor is understood rather than asked again. Dutch and Flemish alike:
diminutives (groepje, klasje, cursusje), preferences ("liefst ...", "het
liefst ...", "bij voorkeur ...") and comparisons ("liever X dan Y": X).

Three rules keep it from guessing:
- a phrase right after a negation ("niet in een groep", "zonder groep") or
  after "dan" in a comparison ("liever alleen dan in een groep") is ignored:
  we would rather ask than guess the opposite;
- a phrase inside a longer one means what the longer one means ("breder dan
  werk" is about life, not work; "persoonlijke groei" is a goal, not a setting);
- two different values for one question ("groep of alleen?") is no answer.

Some short words only answer the question that was just asked ("samen",
"lang", "een coach"): `parse_answers(text, asked="setting")`. In an opening
message they would be a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Diminutive and plural endings of a noun: groep -> groepje, groepjes; klas -> klasje.
DIM = r"(je|jes|tje|tjes|pje|pjes|etje|etjes)?"

# Per dimension: value -> patterns (on lowercased text without accents) that always count.
PATTERNS: dict[str, dict[str, tuple[str, ...]]] = {
    "goal": {
        "skill": (
            r"vaardighe(id|den)", r"\bskills?\b", r"\baanleren\b", r"\bkunstje",
            r"\biets (concreets |praktisch |nieuws |specifieks )?(aan|bij)?leren\b",
            r"onder de knie (krijgen|te krijgen)", r"\been (nieuw )?vak" + DIM + r" leren\b",
            r"\b(een )?techniek" + DIM + r" (aan)?leren\b",
        ),
        "problem": (
            r"probleem", r"\bdoel" + DIM + r"(en)? (bereiken|halen|realiseren)", r"\bknelpunt", r"uit de knoop",
            r"\bvast ?zit", r"\bvast ?(te )?lopen", r"\bloop (ik )?vast\b", r"\bzit (ik )?vast\b(?! aan)",
            r"\bvastgelopen\b", r"\b(iets|dat|het) (op)?gelost (krijgen|hebben)\b", r"\biets oplossen\b",
            r"\biets gedaan krijgen\b",
        ),
        "growth": (
            r"breder groeien", r"persoonlijke groei", r"groeien als (mens|persoon)", r"persoonlijke ontwikkeling",
            r"\b(me|mezelf|mijzelf) (breder |verder |persoonlijk )?ontwikkelen",
        ),
    },
    "horizon": {
        "short": (
            r"\bkort(e|er|ere)?\b", r"\bkortlopend", r"\bsnel\b", r"korte termijn", r"\bspoedcursus",
            r"\bsnelcursus", r"\bafgebakend\b", r"\b(een )?(paar|enkele) (dag|week)(en|jes)\b",
            r"\been (dag|middag|avond|ochtend|voormiddag|namiddag|week|weekend)" + DIM + r"\b",
            r"\bniet (te|zo|al te|heel) lang\b",
        ),
        "medium": (
            r"\b(een )?(paar|enkele|aantal) maand(en|je|jes)?\b", r"\bmaanden\b", r"\bhalf ?jaar", r"middellange",
            r"\been maand(je)? of (twee|drie|vier|zes|\d)\b", r"\been tijdje\b", r"\btot (het|dat) (op)?gelost is\b",
            r"\btrimester\b", r"\bsemester\b",
        ),
        "long": (
            r"\blange(re)? (termijn|tijd|duur|periode|adem|relatie)", r"\bjaren\b", r"\bjaar(en)? lang",
            r"\b(paar|aantal|enkele|meerdere) jaar\b", r"\been jaar of (twee|drie|\d)\b", r"vaste sparringpartner",
            r"langdurig", r"\blang(er)? traject", r"\been (hele|lange) tijd\b", r"\bdoorlopend\b",
            r"\bzo ?lang (als )?(nodig|het nodig is)\b",
        ),
    },
    "setting": {
        "group": (
            r"\bgroep" + DIM + r"\b", r"\bgroeps\w+", r"\bin (kleine |een paar )?groep(en|jes)\b", r"\bin groep",
            r"\bklas" + DIM + r"\b", r"\bklassikaal", r"\bworkshop" + DIM + r"\b", r"\bintervisie",
            r"\bin (team|teamverband)\b", r"samen met (andere|collega|lotgenoten|gelijkgestemden|meer mensen|mensen)",
            r"\bsamen (leren|oefenen|met een groep)\b", r"\bmet (meerdere|meer) (mensen|deelnemers|personen)\b",
            # "met anderen", but not "samenwerken met anderen" (a need, not a setting)
            r"(?<!werken )(?<!werk )\bmet (een paar |enkele |wat |nog )?(anderen|andere mensen|lotgenoten"
            r"|gelijkgestemden)\b",
        ),
        "individual": (
            r"\been[ -]op[ -]een\b", r"\b1 ?-? ?op ?-? ?1\b", r"\b1 ?[-:/] ?1\b", r"\bindividu(eel|ele)\b",
            r"onder vier ogen", r"in (mijn|m'?n|mn) eentje", r"\bmet (z'?n|zijn|ons) (tweeen|twee)\b",
            r"persoonlijke (begeleiding|coach|coaching|sessies?|gesprek)", r"\bpersoonlijk(e)? traject\b",
            r"\bprive-? ?(les|lessen|coach|begeleiding|sessie)", r"\bzonder (anderen|andere mensen|groep|collega)",
            r"\b(ik en|samen met) (de|een|mijn|m'n|mn) (coach|mentor|begeleider|trainer)\b",
            # "alleen" is also "only": "alleen in een groep" is no wish to be alone
            r"^alleen\b(?!\s+(in|met|samen|als|maar|voor|op|bij|de|het|een|wat|over|dat|dit)\b)",
            r"\b(liefst|liever|graag|of|voorkeur|maar|gewoon|toch|helemaal) alleen\b"
            r"(?!\s+(in|met|samen|als|maar|voor|op|bij)\b)",
            r"\balleen(,| ,)? (graag|aub|alsjeblieft)\b",
        ),
    },
    "guide_role": {
        "expert": (
            r"\bexpert(s|en)?\b", r"vakexpert", r"\btrainer", r"\bdocent", r"\blesgever", r"\binstructeur",
            r"\bspecialist", r"\bdeskundige\b", r"\bkenner\b", r"\bvak(man|vrouw|mens|specialist)",
            r"\bles ?geeft\b", r"\bles ?geven\b", r"\b(uit)?leg(t|gen)? (het )?(me|mij) uit",
            r"\bdie het (me |mij )?(kan )?(uit)?leggen\b", r"\bdie (het )?uitleg(t| geeft)\b",
            r"die het (me |mij )?(kan )?(leert|leren)\b", r"\bvoordoe(n|t)\b", r"\bvoor doet\b",
            r"\bdemonstre(ert|ren)\b", r"\b(het|zijn|haar|dat) vak (goed |echt |door en door )?(kent|beheerst)\b",
            r"\bverstand van (zaken|het onderwerp)\b", r"\bweet hoe het moet\b",
            r"\bkennis (over ?draagt|overdraagt|deelt over het onderwerp)",
        ),
        "questioner": (
            r"vragen stelt", r"\bdie (me |mij )?(goede |de juiste |kritische )?vragen (stelt|kan stellen)\b",
            r"zelf (de |het |mijn |m'n )?(antwoord|oplossing)", r"doorvraagt", r"\bme (laat )?nadenken\b",
            r"\baan het denken zet", r"\bzelf (laat )?(ontdekken|uitzoeken|inzien)\b", r"\blaat (me|mij) zelf\b",
            r"\bcoachend",
        ),
        "experienced": (
            r"\biemand met (veel |meer |jaren |heel wat )?ervaring", r"\bmet (veel|meer|jaren|heel wat) ervaring\b",
            r"ervaren (collega|mentor|iemand|persoon|rot|vakgenoot)", r"rolmodel", r"ervaringsdeskundige",
            r"advies (geeft|geven)", r"\braad (geeft|geven)\b", r"al gedaan heeft", r"\bals voorbeeld\b",
            r"\bal (eens )?meegemaakt\b", r"\b(senior|oudere) collega",
            r"\b(die|wie) (er )?al (lang|jaren|langer) (in )?(zit|meedraait|meeloopt)\b",
            r"\bdie (het )?(al )?(lang|jaren) (doet|gedaan heeft)\b",
            r"\biemand uit (mijn|m'n|het|de) (vak|vakgebied|sector|branche)\b",
            r"\bdie (mijn|m'n|het) (werkveld|vakgebied|sector) (van binnenuit )?kent\b",
        ),
    },
    "scope": {
        "work": (
            r"\bwerk\b", r"\bwerk(gerelateerd|leven|vloer|situatie)\b", r"\bjob\b", r"\bop het werk\b",
            r"professione(el|le)", r"\bberoepsmatig\b",
        ),
        "life": (
            r"leven als geheel", r"\bprive\b(?!-? ?(les|lessen|coach|begeleiding|sessie))", r"persoonlijk leven",
            r"\bmijn (hele |gehele |volledige )?leven\b", r"\bm'?n (hele )?leven\b", r"\bhet hele plaatje\b",
            r"\bbreder dan (mijn |m'n |het )?werk\b", r"\bbuiten (mijn |m'n |het )?werk\b",
            r"\b(hele|totale) (mens|persoon)\b",
        ),
    },
}

# Short answers that only count for the question that was just asked.
WHEN_ASKED: dict[str, dict[str, tuple[str, ...]]] = {
    "goal": {
        "skill": (r"\bleren\b", r"\bbijleren\b", r"\biets nieuws\b", r"\bbeter worden in\b"),
        "problem": (r"\boplossen\b", r"\bprobleem", r"\bobstakel", r"\buitdaging\b", r"\bdoel" + DIM + r"\b"),
        "growth": (r"\bgroei(en)?\b", r"\b(door|verder) ?groeien\b", r"\bontwikkel(en|ing)\b", r"\bbreder\b"),
    },
    "horizon": {
        "short": (r"\b(dag|dagen|week|weken)" + DIM + r"\b", r"\b(twee|drie|vier|2|3|4) (dagen|weken)\b",
                  r"\bintensief\b", r"\bcursus" + DIM + r"\b", r"\bworkshop" + DIM + r"\b"),
        "medium": (r"\been maand" + DIM + r"\b", r"\b(twee|drie|vier|vijf|zes|2|3|4|5|6) maand(en)?\b",
                   r"\btussenin\b", r"\bgemiddeld\b"),
        "long": (r"\blang(er|ere)?\b", r"\bjaar\b", r"\bjaren\b", r"\bvast\b", r"\bpermanent\b", r"\bblijvend\b"),
    },
    "setting": {
        "group": (r"\bsamen\b", r"\bcursus" + DIM + r"\b", r"\bles" + DIM + r"\b", r"\blessen\b", r"\banderen\b",
                  r"\bcollega'?s\b", r"\bteam\b", r"\bmet (velen|meer|meerderen)\b"),
        "individual": (r"\bpersoonlijk\b", r"\bapart\b", r"\bsolo\b", r"\bindividu\b",
                       r"\balleen\b(?!\s+(in|met|samen|als|maar|voor|op|bij)\b)"),
    },
    "guide_role": {
        "expert": (r"\b(leraar|lerares|juf|meester)\b", r"\bles\b", r"\bprof\b", r"\bprofessional\b",
                   r"\bvakkennis\b", r"\b(iemand|persoon) die het kan\b"),
        "questioner": (r"\bcoach\b", r"\bvragen\b", r"\bdoor ?vragen\b", r"\bluistert\b", r"\bklankbord",
                       r"\buitdaagt\b", r"\bspiegel"),
        "experienced": (r"\bmentor\b", r"\bervaring\b", r"\bervaren\b", r"\badvies\b", r"\braad\b", r"\bsenior\b",
                        r"\bvoorbeeld\b"),
    },
    "scope": {
        "work": (r"\bwerk", r"\bcarriere\b", r"\bloopbaan\b", r"\bbedrijf\b", r"\borganisatie\b", r"\bzakelijk",
                 r"\bberoep", r"\bop kantoor\b", r"\b(mijn|m'n|mn) (baan|functie)\b"),
        "life": (r"\bleven\b", r"\bpersoonlijk\b", r"\balles\b", r"\bbreder\b", r"\bgezin\b", r"\bthuis\b",
                 r"\bals mens\b", r"\b(werk en prive|prive en werk|werk en (mijn )?leven|leven en werk)\b"),
    },
}

# A phrase right after these words is not what the visitor wants ("niet in een groep", "zonder groep").
NEGATION = re.compile(r"\b(niet|geen|nooit|liever niet|zonder)\s+([\w']+\s+){0,3}$")
# In a comparison the phrase after "dan" is the one they do not want ("liever alleen dan in een groep").
RATHER_THAN = re.compile(r"\b(liever|liefst|eerder)\b.*((?<!\ben )\bdan|\bin plaats van|\bipv)\s+([\w']+\s+){0,3}$")


def _compile(table: dict[str, dict[str, tuple[str, ...]]]) -> dict[str, dict[str, list[re.Pattern[str]]]]:
    return {dimension: {value: [re.compile(p) for p in patterns] for value, patterns in values.items()}
            for dimension, values in table.items()}


_COMPILED = _compile(PATTERNS)
_WHEN_ASKED = _compile(WHEN_ASKED)


def normalise(text: str) -> str:
    """Lowercase, strip accents ("één" -> "een"), plain apostrophes, squeeze spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'").replace("\u2018", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", plain).strip()


def parse_answers(text: str, asked: str | None = None) -> dict[str, str]:
    """The dimension values a message states unambiguously; {} when unsure.

    `asked` is the dimension whose question the visitor is answering, if any:
    then its short answers count too ("samen", "lang", "een coach").
    """
    plain = normalise(text)
    hits = list(_hits(plain, _COMPILED))
    if asked in _WHEN_ASKED:
        hits += _hits(plain, {asked: _WHEN_ASKED[asked]})
    hits = [hit for hit in hits if not any(_inside(hit, other) for other in hits)]
    found: dict[str, str] = {}
    for dimension in PATTERNS:
        values = {value for dim, value, _, _ in hits if dim == dimension}
        if len(values) == 1:  # two values at once ("groep of alleen?") is no answer
            found[dimension] = values.pop()
    return found


Hit = tuple[str, str, int, int]  # dimension, value, start, end


def _hits(text: str, table: dict[str, dict[str, list[re.Pattern[str]]]]) -> Iterator[Hit]:
    for dimension, values in table.items():
        for value, patterns in values.items():
            for pattern in patterns:
                for match in pattern.finditer(text):
                    if match.end() > match.start() and _affirmed(text[: match.start()]):
                        yield dimension, value, match.start(), match.end()


def _inside(hit: Hit, other: Hit) -> bool:
    """`hit` lies within a longer phrase `other` that means something else."""
    _, _, start, end = hit
    _, _, other_start, other_end = other
    return (hit[:2] != other[:2] and other_start <= start and end <= other_end
            and other_end - other_start > end - start)


def _affirmed(before: str) -> bool:
    return not NEGATION.search(before) and not RATHER_THAN.search(before)
