"""Scripted visitors with the advice the source documents lead to.

Used by the end-to-end tests and by `make bench` (persona accuracy, turns).
Each expected outcome follows from the distinctions in product.md, not from
running the bot.
"""

from tests.support.conversation import Persona

PERSONAS = [
    Persona("presenter", "ik wil beter leren presenteren",
            answers=dict(setting="group", goal="skill", guide_role="expert", horizon="short", scope="work"),
            need="need_skill", expected="training"),
    Persona("new manager", "ik ben net leidinggevende over mijn oud-collega's",
            answers=dict(setting="individual", guide_role="experienced", goal="growth", horizon="long", scope="work"),
            need="need_leadership", expected="mentoring", expected_variant="leadership"),
    Persona("unsure grower", "geen idee wat ik nodig heb",
            answers=dict(goal="growth", horizon="long", setting="individual", guide_role="experienced", scope="life"),
            need="need_unsure", expected="mentoring", expected_variant="personal_growth"),
    Persona("procrastinator", "ik stel alles uit en krijg mijn werk niet af, daar wil ik vanaf",
            answers=dict(goal="problem", setting="individual", guide_role="questioner", horizon="medium", scope="work"),
            need="need_coaching", expected="coaching"),
    Persona("newcomer", "ik ben net begonnen bij een nieuwe werkgever en ken de weg nog niet",
            answers=dict(guide_role="experienced", horizon="long", setting="individual", goal="growth", scope="work"),
            need="need_onboarding", expected="mentoring", expected_variant="career"),
    Persona("senior learning from junior", "ik ben 58 en wil van een jonge collega leren hoe sociale media werken",
            answers=dict(setting="individual", horizon="medium", guide_role="experienced", goal="growth", scope="work"),
            need="need_reverse_mentoring", expected="mentoring", expected_variant="reverse"),
    Persona("excel in a hurry", "ik moet snel excel onder de knie krijgen",
            answers=dict(horizon="short", setting="group", guide_role="expert", goal="skill", scope="work"),
            need="need_skill", expected="training"),
    Persona("flemish career", "allez, ik zou graag eens weten hoe ik verder kan groeien in mijn job",
            answers=dict(guide_role="experienced", horizon="long", setting="individual", goal="growth", scope="work"),
            need="need_career", expected="mentoring", expected_variant="career"),
    Persona("meeting nerves", "ik heb weinig zelfvertrouwen in vergaderingen en wil daar iets aan doen",
            answers=dict(goal="problem", guide_role="questioner", setting="individual", horizon="medium", scope="work"),
            need="need_coaching", expected="coaching"),
    Persona("almost retired", "ik ga binnenkort met pensioen en wil nadenken over wat ik daarna wil",
            answers=dict(scope="life", horizon="long", guide_role="experienced", setting="individual", goal="growth"),
            need="need_personal_growth", expected="mentoring", expected_variant="personal_growth"),
    Persona("typo presenter", "ik wil beter leeren presenteeren voor groepen",
            answers=dict(setting="group", goal="skill", guide_role="expert", horizon="short", scope="work"),
            need="need_skill", expected="training"),
    Persona("stuck and unsure", "ik weet niet goed wat ik nodig heb, ik loop vast in mijn werk",
            answers=dict(goal="problem", guide_role="questioner", setting="individual", horizon="medium", scope="work"),
            need="need_coaching", expected="coaching"),
    Persona("types answers", "ik wil leren onderhandelen",
            typed=dict(setting="liefst samen met collega's in een groep", guide_role="een expert die het me leert",
                       goal="een vaardigheid leren", horizon="kort en intensief", scope="vooral mijn werk"),
            need="need_skill", expected="training"),
    # Answers every question in their own words: diminutives, "liefst", "het liefst", "bij voorkeur".
    Persona("free-text presenter", "ik wil beter leren presenteren",
            typed=dict(setting="in een groepje", guide_role="iemand die het vak kent en het voordoet",
                       goal="het liefst iets praktisch leren", horizon="liefst kort en krachtig",
                       scope="bij voorkeur mijn job"),
            need="need_skill", expected="training"),
    Persona("free-text procrastinator", "ik stel alles uit en krijg mijn werk niet af, daar wil ik vanaf",
            typed=dict(goal="liefst een probleempje oplossen", setting="het liefst in m'n eentje",
                       guide_role="iemand die goede vragen stelt", horizon="een paar maandjes",
                       scope="vooral voor mijn werk"),
            need="need_coaching", expected="coaching"),
]
