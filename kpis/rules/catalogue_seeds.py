"""Rules for the seed readings that had none (issue 14): service level far below target, MTTR
by team, customer effort and its drivers, weak grid items, a short handling time with more
recontacts, churn in a month where NPS fell, absences in overloaded months. Declared as in
``catalogue.py`` (``seed_rule`` None: they are not numbered in KPI_REFERENCE.md §7)."""

from __future__ import annotations

from kpis.registry import Param
from kpis.rules.checks_people import (
    check_automation_candidates,
    check_churn_after_satisfaction_drop,
    check_overload_absence,
    check_quality_items_weak,
    check_short_dmt_recontacts,
)
from kpis.rules.checks_service import (
    check_effort_drivers,
    check_mttr_by_segment,
    check_service_level_far_below,
)
from kpis.rules.checks_voice import check_interactions_to_close, check_nps_csat_disagree
from kpis.rules.model import MIN_N, SEEDS, Rule

_HOLM = "Holm family-wise error ≤ alpha over the segments tested"

SEED_RULES: list[Rule] = [
    Rule(
        "nps_csat_disagree",
        None,
        SEEDS["001"],
        "NPS et CSAT ne disent pas la même chose sur un segment",
        "NPS and CSAT disagree on a segment",
        "Sur les réponses qui ont les deux notes : écart entre NPS (relation) et CSAT "
        "(échange) par motif et par prestataire, comparé aux autres réponses.",
        "On answers with both scores: gap between NPS (relationship) and CSAT (interaction) by "
        "motif and by provider, compared with the other answers.",
        ("nps", "csat"),
        ("motif", "provider"),
        None,
        "Per answer: NPS class (+1 promoter, −1 detractor, 0 passive) minus CSAT (+1 satisfied, "
        "−1 otherwise); per segment value, Welch two-sided t-test of its mean vs the other "
        "answers, Holm over every value; fires when Holm p < alpha and |gap| ≥ min_gap.",
        {
            "segments": Param(
                ["motif", "provider"],
                "Survey fields compared.",
                "Champs d'enquête comparés.",
            ),
            "min_gap": Param(
                0.15,
                "Minimum gap (0.15 = 15 NPS points beyond what CSAT says).",
                "Écart minimal (0,15 = 15 points de NPS au-delà de ce que dit le CSAT).",
            ),
            "min_n": MIN_N,
        },
        "info",
        "lire les verbatims de ce segment pour distinguer ce qui relève de l'échange et ce qui "
        "relève de la relation (offre, prix, produit).",
        "read this segment's verbatims to tell the interaction from the relationship (offer, "
        "price, product).",
        "le CSAT juge l'échange, le NPS la relation : leur écart est une piste, pas une mesure "
        "d'erreur ; les répondants ne sont pas tous les clients.",
        "CSAT judges the interaction, NPS the relationship: their gap is a lead, not an error "
        "measure; respondents are not all customers.",
        ("surveys.csat_score", "surveys.nps_score", "surveys.motif"),
        0.05,
        _HOLM,
        "bars_ci",
        check_nps_csat_disagree,
    ),
    Rule(
        "service_level_far_below",
        None,
        SEEDS["001"],
        "Niveau de service ou respect des SLA très en dessous de l'objectif",
        "Service level or SLA compliance far below target",
        "Niveau de service (appels décrochés dans le délai), sur l'ensemble et par file "
        "d'attente, et respect des SLA (éléments résolus dans le délai) sur l'ensemble.",
        "Service level (calls answered within the threshold), overall and per queue, and SLA "
        "compliance (items resolved within the SLA) overall.",
        ("service_level", "sla_compliance"),
        ("queue",),
        None,
        "One-sided score test of each rate against target − min_gap_pts (service level overall "
        "and per queue with min_n calls; SLA compliance overall, as N2/N3 items take longer by "
        "design), Holm over every rate tested; a KPI fires when a rate has Holm p < alpha and "
        "its Wilson 95 % upper bound is under target − min_gap_pts.",
        {
            "min_gap_pts": Param(
                10.0,
                "How far below target counts as 'far' (points).",
                "Écart sous l'objectif jugé « très en dessous » (points).",
            ),
            "min_n": MIN_N,
        },
        "alert",
        "revoir la capacité sur les files concernées (effectifs, débordement, rappel) et les "
        "engagements de délai envers les clients.",
        "review capacity on the queues concerned (staff, overflow, callback) and the response "
        "times promised to customers.",
        "le niveau de service dépend du seuil en secondes et le respect des SLA du délai en "
        "heures choisis dans les paramètres ; un objectif contractuel peut différer.",
        "service level depends on the threshold in seconds and SLA compliance on the hours set "
        "in the parameters; a contractual target may differ.",
        ("contacts.answered", "contacts.wait_s", "contacts.resolved_at"),
        0.025,
        "one-sided 95 % bound vs target − min_gap_pts, " + _HOLM,
        "bars_ci",
        check_service_level_far_below,
    ),
    Rule(
        "mttr_above_target",
        None,
        SEEDS["001"],
        "Délai de résolution au-dessus de l'objectif pour une équipe",
        "Time to resolve above target for a team",
        "Délai moyen de résolution (MTTR) par équipe (ou autre champ : segment).",
        "Mean time to resolve (MTTR) by team (or another field: segment).",
        ("mttr",),
        ("team",),
        None,
        "Per value of segment: one-sided normal test of the MTTR against its target (standard "
        "error from the engine's 95 % interval), Holm over the values; fires when Holm p < alpha "
        "and the lower bound is above the target. Needs a target with a source.",
        {
            "segment": Param("team", "Field compared (team, motif…).", "Champ comparé."),
            "min_n": MIN_N,
        },
        "warning",
        "regarder les étapes où les dossiers attendent (escalade, back-office, pièces "
        "manquantes) dans cette équipe.",
        "look at where cases wait (escalation, back office, missing documents) in this team.",
        "une équipe qui reçoit les dossiers complexes (niveaux 2 et 3) résout plus lentement "
        "sans être moins efficace : comparer à niveau égal avant de conclure.",
        "a team that receives the complex cases (levels 2 and 3) resolves more slowly without "
        "being less effective: compare at equal level before concluding.",
        ("contacts.started_at", "contacts.resolved_at", "contacts.team"),
        0.025,
        "one-sided 95 % bound vs the target, " + _HOLM,
        "bars_ci",
        check_mttr_by_segment,
    ),
    Rule(
        "effort_drivers",
        None,
        SEEDS["002"],
        "Effort client au-dessus de l'objectif : d'où vient-il ?",
        "Customer effort above target: where does it come from?",
        "Score d'effort (CES, élevé = plus d'effort) des contacts enquêtés, puis par facteur : "
        "transfert (répéter le contexte), demande répétée (client déjà venu dans la fenêtre), "
        "attente longue.",
        "Effort score (CES, high = more effort) of the surveyed contacts, then by driver: "
        "transfer (repeating the context), repeated demand (customer came back within the "
        "window), long wait.",
        ("ces",),
        ("driver",),
        None,
        "Gate: Student 95 % interval of the mean CES above the ces target. Then per driver, "
        "Welch one-sided t-test of CES with vs without it, Holm over drivers; a driver is named "
        "when Holm p < alpha and the gap ≥ min_gap.",
        {
            "window_days": Param(
                7, "Window for a repeated demand (days).", "Fenêtre d'une demande répétée."
            ),
            "long_wait_s": Param(
                120, "Wait counted as long (s).", "Attente comptée comme longue (s)."
            ),
            "min_gap": Param(
                0.3, "Minimum CES gap (scale points).", "Écart minimal de CES (points d'échelle)."
            ),
            "min_n": MIN_N,
        },
        "warning",
        "agir d'abord sur les facteurs nommés : joignabilité, transferts (passer le contexte), "
        "résolution dès le premier contact.",
        "act first on the drivers named: reachability, transfers (pass the context on), "
        "first-contact resolution.",
        "l'effort déclaré vient des seuls répondants ; un facteur associé à l'effort n'en est "
        "pas forcément la cause (les demandes difficiles sont aussi plus transférées).",
        "declared effort comes from respondents only; a driver associated with effort is not "
        "necessarily its cause (hard requests are also transferred more).",
        ("surveys.ces_score", "surveys.contact_id", "contacts.contact_id"),
        0.025,
        "one-sided 95 % interval vs the target (drivers: " + _HOLM + ")",
        "bars_ci",
        check_effort_drivers,
    ),
    Rule(
        "quality_items_weak",
        None,
        SEEDS["000"],
        "Items de grille qualité faibles : pistes de formation",
        "Weak quality-grid items: training leads",
        "Note de chaque item de grille comparée aux autres items des mêmes évaluations.",
        "Each grid item's score compared with the other items of the same evaluations.",
        ("quality_calls", "quality_written"),
        ("item",),
        None,
        "Per item: paired gap (item − mean of the other items of the evaluation), one-sided "
        "t-test, Holm over items; fires for an item with Holm p < alpha and mean gap ≤ "
        "−min_gap.",
        {
            "min_gap": Param(
                1.0, "Minimum gap (item scale points).", "Écart minimal (points de l'item)."
            ),
            "min_n": MIN_N,
        },
        "info",
        "cibler la formation et les écoutes accompagnées sur ces items.",
        "target training and coached call listening on these items.",
        "les items n'ont pas tous la même difficulté ni la même sévérité de notation : un "
        "item bas est une piste de formation, pas une faute des conseillers.",
        "items differ in difficulty and in how strictly they are scored: a low item is a "
        "training lead, not the agents' fault.",
        ("evaluations.item:<label>",),
        0.05,
        _HOLM + " (over items) and min_gap",
        "bars_ci",
        check_quality_items_weak,
    ),
    Rule(
        "short_dmt_recontacts",
        None,
        SEEDS["003"],
        "DMT courte et recontacts plus fréquents pour un conseiller",
        "Short handling time with more recontacts for an agent",
        "Par conseiller : DMT comparée aux pairs à motif égal, et taux de recontact de ses "
        "contacts comparé à celui des autres conseillers.",
        "Per agent: handling time vs peers for the same motif, and the recontact rate of their "
        "contacts vs other agents'.",
        ("dmt", "recontact_rate_contacts"),
        ("agent_id",),
        None,
        "Log handling-time residual vs peers (one-sided t-test) and recontact rate vs the other "
        "agents (one-sided two-proportion z-test), Holm over agents for each; fires when both "
        "Holm p < alpha, the ratio ≤ 1 − min_gap and recontact ≥ min_ratio × the others.",
        {
            "min_gap": Param(
                0.2,
                "Minimum relative DMT gap (0.2 = 20 % shorter).",
                "Écart relatif minimal de DMT (0,2 = 20 % plus court).",
            ),
            "min_ratio": Param(
                1.2,
                "Minimum recontact ratio agent ÷ others.",
                "Rapport minimal de recontact conseiller ÷ autres.",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "écouter des appels de ce conseiller revenus en recontact : la réponse était-elle "
        "complète ?",
        "listen to this agent's calls that came back: was the answer complete?",
        "le recontact dépend aussi du parcours après le contact ; " + "une DMT courte n'est pas "
        "une faute en soi.",
        "recontact also depends on the journey after the contact; a short handling time is not "
        "a fault in itself.",
        ("contacts.agent_id", "contacts.talk_s", "contacts.motif", "contacts.customer_id"),
        0.0025,
        "both tests must pass (Holm over agents): ≈ alpha² under independence",
        "bars",
        check_short_dmt_recontacts,
    ),
    Rule(
        "churn_with_satisfaction_drop",
        None,
        SEEDS["001"],
        "Attrition client en hausse le mois où la satisfaction baisse",
        "Customer churn up in a month when satisfaction falls",
        "Par mois : attrition (clients perdus ÷ clients en début de mois) et NPS, comparés aux "
        "autres mois.",
        "Per month: churn (customers lost ÷ customers at the start) and NPS, vs the other months.",
        ("churn", "nps"),
        (),
        "month",
        "Per month: one-sided two-proportion z-test of churn vs the other months and one-sided "
        "normal test of NPS (trinomial variance) vs the other months, Holm over months for "
        "each; fires when both Holm p < alpha and churn ≥ min_ratio × the other months.",
        {
            "min_ratio": Param(
                1.25,
                "Minimum churn ratio month ÷ other months.",
                "Rapport minimal d'attrition mois ÷ autres mois.",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "relire les verbatims et les motifs de résiliation de ce mois-là, et les incidents "
        "de service qui l'ont marqué.",
        "read that month's verbatims and cancellation reasons, and the service incidents that "
        "marked it.",
        "deux mouvements le même mois ne prouvent pas un lien : un même incident (prix, panne) "
        "peut faire partir des clients et baisser la satisfaction.",
        "two moves in the same month do not prove a link: one incident (price, outage) can both "
        "drive customers away and lower satisfaction.",
        ("customer_base.lost", "customer_base.start", "surveys.nps_score"),
        0.0025,
        "both tests must pass (Holm over months): ≈ alpha² under independence",
        "dual_trend",
        check_churn_after_satisfaction_drop,
    ),
    Rule(
        "overload_absence",
        None,
        SEEDS["001"],
        "Absences en hausse les mois de surcharge",
        "Absences rise in overloaded months",
        "Charge (contacts par heure planifiée) par mois ; taux d'absence de chaque conseiller le "
        "mois chargé comparé à ses autres mois.",
        "Load (contacts per planned hour) per month; each agent's absence rate in the busy "
        "month vs their other months.",
        ("absenteeism", "productivity"),
        (),
        "month",
        "Months with load ≥ (1 + min_load) × the median month; paired one-sided t-test over "
        "agents of the absence rate that month minus their mean of the other months, Holm over "
        "those months; fires when Holm p < alpha and the rise ≥ min_rise_pts.",
        {
            "min_load": Param(
                0.2,
                "Load above the median month counted as overload (0.2 = +20 %).",
                "Charge au-dessus du mois médian comptée comme surcharge (0,2 = +20 %).",
            ),
            "min_rise_pts": Param(
                1.0, "Minimum rise in absence (points).", "Hausse minimale d'absence (points)."
            ),
            "min_agents": Param(8, "Minimum agents compared.", "Conseillers comparés minimaux."),
        },
        "warning",
        "anticiper les pics (renforts, lissage, débordement) et suivre la charge des équipes "
        "pour protéger présence et rétention.",
        "anticipate peaks (reinforcements, smoothing, overflow) and watch team load to protect "
        "attendance and retention.",
        "l'absence a bien d'autres causes (saison, épidémie) ; un seul mois chargé ne fait "
        "pas une tendance.",
        "absence has many other causes (season, epidemics); one busy month is not a trend.",
        ("hours.planned_h", "hours.absent_h", "hours.agent_id", "contacts.started_at"),
        0.05,
        _HOLM + " (over overloaded months)",
        "bars_ci",
        check_overload_absence,
    ),
    Rule(
        "interactions_to_close",
        None,
        SEEDS["002"],
        "Un motif demande plus de contacts pour être réglé",
        "A motif takes more contacts to be settled",
        "Nombre de contacts par demande (contacts d'un client sur un même motif, chacun dans "
        "la fenêtre du précédent), par motif.",
        "Contacts per demand (a customer's contacts on one motif, each within the window of the "
        "previous one), by motif.",
        ("fcr_measured", "recontact_rate_contacts"),
        ("motif",),
        None,
        "Per motif: Welch one-sided t-test of the mean contacts per demand vs the other motifs' "
        "demands, Holm over motifs; fires when Holm p < alpha and the ratio ≥ min_ratio. "
        "Demands whose window runs past the data are left out.",
        {
            "window_days": Param(
                7,
                "Window between two contacts of a demand (days).",
                "Fenêtre entre deux contacts d'une demande (jours).",
            ),  # fmt: skip
            "min_ratio": Param(
                1.1,
                "Minimum ratio motif ÷ other motifs.",
                "Rapport minimal motif ÷ autres motifs.",
            ),
            "min_n": MIN_N,
        },
        "info",
        "suivre ce motif de bout en bout : ce qui manque au premier contact (information, "
        "droit d'agir, suivi back-office) pour le clore.",
        "follow this motif end to end: what the first contact lacks (information, authority, "
        "back-office follow-up) to close it.",
        "une demande est reconstituée par client, motif et délai : un autre sujet sur le même "
        "motif compte comme la même demande, un motif requalifié comme une autre.",
        "a demand is rebuilt from customer, motif and delay: another issue on the same motif "
        "counts as the same demand, a re-qualified motif as another.",
        ("contacts.customer_id", "contacts.started_at", "contacts.motif"),
        0.05,
        _HOLM + " (over motifs) and min_ratio",
        "bars",
        check_interactions_to_close,
    ),
    Rule(
        "automation_candidates",
        None,
        SEEDS["002"],
        "Motifs évitables coûteux : à automatiser ou à orienter vers le selfcare",
        "Costly avoidable motifs: what to automate or send to self-care",
        "Coût de traitement par motif : DMT (heures) × coût par heure travaillée (coûts ÷ "
        "(heures planifiées − absences), par prestataire), avec la part évitable du motif.",
        "Handling cost per motif: handling time (hours) × cost per worked hour (costs ÷ "
        "(planned − absence hours), per provider), with the motif's avoidable share.",
        ("dmt", "cost_per_contact", "avoidable_rate"),
        ("motif",),
        None,
        "Per motif: Wilson 95 % lower bound of the avoidable share ≥ min_avoidable and cost "
        "share at the Student 95 % lower bound of its mean cost per contact ≥ min_cost_share.",
        {
            "min_avoidable": Param(
                0.5,
                "Minimum avoidable share of the motif (0.5 = 50 %).",
                "Part évitable minimale du motif (0,5 = 50 %).",
            ),
            "min_cost_share": Param(
                0.03,
                "Minimum share of the handling cost (0.03 = 3 %).",
                "Part minimale du coût de traitement (0,03 = 3 %).",
            ),
            "min_n": MIN_N,
        },
        "info",
        "chiffrer une FAQ, un selfcare ou un bot sur ces motifs face à ce coût.",
        "price a FAQ, self-care or a bot for these motifs against this cost.",
        "le coût horaire est une moyenne (encadrement, outils compris) : l'économie réelle "
        "dépend de ce que l'automatisation retire vraiment du traitement.",
        "the hourly cost is an average (supervision and tools included): the real saving "
        "depends on what automation actually removes from handling.",
        ("costs.cost", "hours.planned_h", "contacts.talk_s", "contacts.avoidable"),
        0.025,
        "one-sided 95 % lower bounds on the avoidable share and the cost share",
        "pareto",
        check_automation_candidates,
    ),
]
