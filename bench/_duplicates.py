"""A small labelled set for the duplicate finder, written for this benchmark.

Each group is one idea written several ways (accents, case, punctuation, plurals, synonyms,
another word order); two proposals are duplicates exactly when they are in the same group. The
singles share topics and words with the groups but say something else: they are the traps.
"""

GROUPS = (
    (
        "Il faut développer les pistes cyclables entre les communes",
        "Il faut plus de pistes cyclables entre les communes rurales",
        "Il faut développer des pistes cyclables entre communes",
        "il faut DEVELOPPER les pistes cyclables entre les communes !",
    ),
    (
        "Il faut rouvrir les petites lignes de train",
        "Il faut réouvrir les petites lignes ferroviaires",
        "Il faut rouvrir les lignes de train régionales fermées",
    ),
    (
        "Il faut protéger les zones humides du littoral",
        "Il faut protéger les zones humides sur le littoral breton",
        "Il faut mieux protéger les zones humides côtières",
    ),
    (
        "Il faut planter des haies bocagères le long des champs",
        "Il faut replanter des haies bocagères",
        "Il faut planter des haies autour des champs",
    ),
    (
        "Il faut servir des produits locaux dans les cantines",
        "Il faut des produits locaux dans toutes les cantines scolaires",
        "Il faut plus de produits locaux à la cantine",
    ),
    (
        "Il faut installer des panneaux solaires sur les bâtiments publics",
        "Il faut mettre des panneaux solaires sur tous les bâtiments publics",
        "Il faut équiper les bâtiments publics de panneaux solaires",
    ),
    (
        "Il faut aider les ménages modestes à isoler leur logement",
        "Il faut aider les familles modestes à isoler leurs logements",
        "Il faut financer l'isolation des logements des ménages modestes",
    ),
    (
        "Il faut éteindre l'éclairage public la nuit",
        "Il faut éteindre l'éclairage public entre 1 h et 5 h",
        "Il faut couper l'éclairage public en pleine nuit",
    ),
    (
        "Il faut interdire les plastiques à usage unique sur les plages",
        "Il faut interdire le plastique jetable sur les plages",
        "Il faut bannir les plastiques à usage unique des plages",
    ),
    (
        "Il faut créer une consigne pour les bouteilles en verre",
        "Il faut remettre en place la consigne des bouteilles en verre",
        "Il faut une consigne sur les bouteilles de verre",
    ),
    (
        "Il faut enseigner la biodiversité locale à l'école primaire",
        "Il faut enseigner la biodiversité dès l'école primaire",
        "Il faut apprendre la biodiversité locale aux enfants de l'école primaire",
    ),
    (
        "Il faut limiter l'artificialisation des terres agricoles",
        "Il faut stopper l'artificialisation des terres agricoles",
        "Il faut limiter l'artificialisation des sols agricoles",
    ),
    (
        "Il faut installer des récupérateurs d'eau de pluie",
        "Il faut subventionner les récupérateurs d'eau de pluie",
        "Il faut installer des cuves de récupération d'eau de pluie",
    ),
    (
        "Il faut réduire la vitesse sur les routes départementales",
        "Il faut baisser la vitesse à 80 sur les routes départementales",
        "Il faut réduire la vitesse maximale sur les départementales",
    ),
    (
        "Il faut créer des réserves marines protégées",
        "Il faut créer davantage de réserves marines",
        "Il faut étendre les réserves marines protégées",
    ),
    (
        "Il faut taxer les navires de croisière dans les ports",
        "Il faut taxer les bateaux de croisière qui font escale dans nos ports",
        "Il faut une taxe sur les navires de croisière",
    ),
    (
        "Il faut développer l'éolien en mer",
        "Il faut développer les éoliennes en mer au large des côtes",
        "Il faut plus d'éolien en mer",
    ),
    (
        "Il faut interdire les pesticides près des écoles",
        "Il faut interdire l'épandage de pesticides près des écoles",
        "Il faut bannir les pesticides autour des écoles",
    ),
    (
        "Il faut des jardins partagés dans chaque quartier",
        "Il faut créer des jardins partagés dans tous les quartiers",
        "Il faut plus de jardins partagés en ville",
    ),
    (
        "Il faut rendre les transports en commun gratuits",
        "Il faut la gratuité des transports en commun",
        "Il faut des transports en commun gratuits pour tous",
    ),
    (
        "Il faut composter les déchets alimentaires",
        "Il faut généraliser le compostage des déchets alimentaires",
        "Il faut un composteur collectif pour les déchets alimentaires",
    ),
    (
        "Il faut planter des arbres dans les cours d'école",
        "Il faut végétaliser les cours d'école avec des arbres",
        "Il faut planter plus d'arbres dans les cours des écoles",
    ),
    (
        "Il faut interdire les voitures dans le centre de Rennes",
        "Il faut un centre-ville de Rennes sans voitures",
        "Il faut fermer le centre de Rennes aux voitures",
    ),
    (
        "Il faut soutenir les agriculteurs qui passent au bio",
        "Il faut aider les agriculteurs à passer en agriculture biologique",
        "Il faut soutenir la conversion des agriculteurs au bio",
    ),
    (
        "Il faut limiter la publicité lumineuse",
        "Il faut interdire les panneaux publicitaires lumineux",
        "Il faut réduire la publicité lumineuse la nuit",
    ),
    (
        "Il faut rénover les écoles pour économiser l'énergie",
        "Il faut rénover énergétiquement les écoles",
    ),
    (
        "Il faut nettoyer les plages régulièrement",
        "Il faut organiser le nettoyage régulier des plages",
    ),
    (
        "We should fund community composting in every town",
        "We should fund composting schemes in every town",
        "We should pay for community composting in all towns",
    ),
    (
        "We should protect seagrass meadows from anchoring boats",
        "We should stop boats anchoring in seagrass meadows",
        "We should protect seagrass meadows from boat anchors",
    ),
    (
        "We should ban single-use plastics on beaches",
        "We should ban single use plastic on our beaches",
    ),
)

SINGLES = (
    "Il faut créer des pistes cyclables en centre-ville",
    "Il faut sécuriser les pistes cyclables existantes",
    "Il faut des trains de nuit vers Paris",
    "Il faut électrifier les lignes de train",
    "Il faut protéger les dunes du littoral",
    "Il faut des repas végétariens dans les cantines",
    "Il faut installer des bornes de recharge électrique",
    "Il faut isoler les bâtiments publics",
    "Il faut réduire l'éclairage des vitrines la nuit",
    "Il faut interdire les sacs plastiques dans les magasins",
    "Il faut recycler les bouteilles en plastique",
    "Il faut enseigner le vélo à l'école primaire",
    "Il faut protéger les terres agricoles des promoteurs",
    "Il faut économiser l'eau potable",
    "Il faut augmenter les contrôles de vitesse",
    "Il faut interdire la pêche au chalut dans les réserves marines",
    "Il faut limiter le nombre de croisières",
    "Il faut développer le solaire sur les toits des particuliers",
    "Il faut interdire les pesticides dans les jardins",
    "Il faut des jardins sur les toits des immeubles",
    "Il faut des bus gratuits pour les étudiants",
    "Il faut trier les déchets dans les écoles",
    "Il faut planter des arbres le long des routes",
    "Il faut réduire la place de la voiture à Brest",
    "Il faut former les agriculteurs à l'agroécologie",
    "Il faut interdire la publicité dans les écoles",
    "Il faut rénover les gymnases",
    "We should fund more bus routes in every town",
    "We should protect dolphins from fishing nets",
    "We should plant trees along rivers",
)


def labelled() -> tuple[list[str], list[int]]:
    """Every proposal, and its group number (singles each in a group of their own)."""
    texts = [t for group in GROUPS for t in group] + list(SINGLES)
    groups = [g for g, group in enumerate(GROUPS) for _ in group] + list(range(len(GROUPS), len(GROUPS) + len(SINGLES)))
    return texts, groups
