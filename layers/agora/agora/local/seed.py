"""Demo content so a newcomer sees a living consultation: proposals, moderation decisions and votes."""

from __future__ import annotations

import random

from agora.local.client import Api, Moderator
from agora.local.simulate import Report, simulate
from agora.local.stack import EmbeddedStack

PROPOSALS = (
    ("Il faut développer les pistes cyclables entre les communes rurales", ["mobilité"]),
    ("Il faut rouvrir les petites lignes de train régionales", ["mobilité"]),
    ("Il faut protéger les zones humides du littoral breton", ["biodiversité"]),
    ("Il faut planter des haies bocagères le long des champs", ["biodiversité", "agriculture"]),
    ("Il faut soutenir les agriculteurs qui passent au bio", ["agriculture"]),
    ("Il faut servir des produits locaux dans toutes les cantines", ["agriculture", "alimentation"]),
    ("Il faut installer des panneaux solaires sur les bâtiments publics", ["énergie"]),
    ("Il faut aider les ménages modestes à isoler leur logement", ["énergie", "logement"]),
    ("Il faut éteindre l'éclairage public entre 1 h et 5 h", ["énergie"]),
    ("Il faut interdire les plastiques à usage unique sur les plages", ["déchets"]),
    ("Il faut taxer les navires de croisière dans les ports bretons", ["mer"]),
    ("Il faut limiter l'artificialisation des terres agricoles", ["agriculture", "urbanisme"]),
    ("Il faut interdire les voitures dans le centre de Rennes", ["mobilité"]),
    ("Il faut développer l'éolien en mer au large des côtes", ["énergie", "mer"]),
    ("Il faut créer une consigne pour les bouteilles en verre", ["déchets"]),
    ("Il faut enseigner la biodiversité locale dès l'école primaire", ["éducation"]),
    ("We should fund community composting in every town", ["déchets"]),
    ("We should protect seagrass meadows from anchoring boats", ["mer", "biodiversité"]),
)
REFUSED = (
    ("Il faut voter pour mon parti aux prochaines élections", "partisan"),
    ("Il faut acheter les vélos de ma boutique en ligne", "advertising"),
)
PENDING = (
    "Il faut installer des récupérateurs d'eau de pluie",
    "Il faut réduire la vitesse sur les routes départementales",
    "Il faut créer des réserves marines protégées",
)


def seed(stack: EmbeddedStack, voters: int = 120) -> Report:
    api = Api(stack.url)
    rng = random.Random(7)
    authors = [api.register({"age": rng.choice(["25-34", "35-49", "50-64"])}) for _ in range(6)]
    themes: dict[str, list[str]] = {}
    refusals: dict[str, str] = {}
    for i, (text, theme) in enumerate(PROPOSALS):
        created = authors[i % len(authors)].propose(text, "en" if text.startswith("We") else "fr")
        themes[created["id"]] = theme
    for i, (text, reason) in enumerate(REFUSED):
        refusals[authors[i].propose(text, "fr")["id"]] = reason
    moderator = Moderator(api, stack.moderator_key, "demo")
    theme_ids = {name: moderator.create_theme(name.capitalize())["id"] for name in sorted({t for _, ts in PROPOSALS for t in ts})}
    while batch := moderator.queue(limit=20):
        for item in batch:
            if item["id"] in themes:
                moderator.accept(item["id"], [theme_ids[name] for name in themes[item["id"]]])
            else:
                moderator.refuse(item["id"], refusals[item["id"]])
    for text in PENDING:
        authors[0].propose(text, "fr")
    stack.scheduler.run_now()  # publish the pool so sequences can serve the accepted proposals
    report = simulate(stack.url, voters, propose_share=0.0, concurrency=4, seed=11, progress=False)
    stack.settle()
    stack.scheduler.run_now()
    return report
