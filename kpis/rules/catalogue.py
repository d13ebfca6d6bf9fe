"""The rule catalogue: every interpretation rule declared in one table (``RULES``, and
``RULES_BY_ID``). Rules 1–13 come from KPI_REFERENCE.md §7 (``seed_rule``), the others are our
own; each names its check function, kept in a ``checks_*`` module."""

from __future__ import annotations

from kpis.registry import Param
from kpis.rules.catalogue_seeds import SEED_RULES
from kpis.rules.checks_handling import (
    check_avoidable_high,
    check_dmt_long,
    check_dmt_short,
    check_motifs_concentrated,
    check_transfer_high,
)
from kpis.rules.checks_resolution import (
    check_fcr_declared_above_measured,
    check_fcr_ok_recontact_rising,
    check_recontact_by_motif,
    check_recontact_follows_volume,
)
from kpis.rules.checks_satisfaction import (
    check_fcr_declared_vs_survey,
    check_score_after_event,
    check_scores_opposite_fcr,
    check_survey_sample_small,
)
from kpis.rules.checks_staffing import check_staffing
from kpis.rules.checks_telephony import (
    check_answer_abandon,
    check_hno_share,
    check_long_wait,
    check_qos_below_nf345,
)
from kpis.rules.model import MIN_N, SEEDS, Rule

_ALPHA_NOTE = "Holm family-wise error ≤ alpha over the segments tested"
_CAUTION_RECONTACT_FR = (
    "le taux de rappel ne dit pas « ce conseiller a mal fait son travail » mais « le client a dû "
    "revenir parce que le parcours a laissé une faille quelque part »."
)
_CAUTION_RECONTACT_EN = (
    'recontact does not say "this agent did badly" but "the journey let the customer down '
    'somewhere".'
)

RULES: list[Rule] = [
    Rule(
        "fcr_ok_recontact_rising",
        1,
        SEEDS["003"],
        "FCR bon mais recontact en hausse",
        "FCR good but recontact rising",
        "Taux de recontact (par contact) par semaine sur les trend_weeks dernières semaines "
        "complètes ; FCR déclaré sur la même période.",
        "Weekly per-contact recontact rate over the last trend_weeks complete weeks; declared "
        "FCR over the same weeks.",
        ("recontact_rate_contacts", "fcr"),
        (),
        "week",
        "Weighted OLS slope of the weekly recontact rate (weights n, residual variance) with its "
        "95 % t interval; fires when the interval excludes 0 upwards, the rise over the window "
        "≥ min_rise_pts, and declared FCR ≥ its target or not significantly falling.",
        {
            "trend_weeks": Param(8, "Weeks in the trend window.", "Semaines de la fenêtre."),
            "min_weeks": Param(6, "Minimum complete weeks.", "Semaines complètes minimales."),
            "min_rise_pts": Param(
                5.0,
                "Minimum rise over the window (points).",
                "Hausse minimale sur la fenêtre (points).",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "auditer l'exécution des engagements post-appel (remboursements, renvois de colis).",
        "audit how post-contact commitments are carried out (refunds, parcels re-sent).",
        _CAUTION_RECONTACT_FR,
        _CAUTION_RECONTACT_EN,
        (
            "contacts.customer_id",
            "contacts.started_at",
            "contacts.motif",
            "contacts.resolved_first_contact",
        ),
        0.025,
        "one-sided 95 % slope interval: ≤ 2.5 % when recontact is flat",
        "trend",
        check_fcr_ok_recontact_rising,
    ),
    Rule(
        "recontact_varies_by_motif",
        2,
        SEEDS["003"],
        "Le recontact varie selon le motif",
        "Recontact varies by motif",
        "Taux de recontact après un contact décroché (100 − FCR mesuré), par motif, sur toute la "
        "période.",
        "Recontact rate after an answered contact (100 − measured FCR) by motif, over the whole "
        "period.",
        ("fcr_measured", "recontact_rate_contacts"),
        ("motif",),
        None,
        "Chi-square heterogeneity test across motifs (2 × k, motifs with expected counts < "
        "min_expected merged), then each motif vs the rest (two-proportion z-test, Holm); fires "
        "for a motif with Holm p < alpha and rate ≥ min_ratio × the rest.",
        {
            "min_ratio": Param(
                1.3, "Minimum ratio motif ÷ other motifs.", "Rapport minimal motif ÷ autres motifs."
            ),
            "min_expected": Param(
                5.0,
                "Minimum expected count per cell (chi-square).",
                "Effectif attendu minimal par case (χ²).",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "revoir les workflows entre le support et les métiers (back-office) sur ce motif.",
        "review the workflows between support and business teams (back office) for this motif.",
        _CAUTION_RECONTACT_FR,
        _CAUTION_RECONTACT_EN,
        ("contacts.customer_id", "contacts.started_at", "contacts.motif"),
        0.05,
        _ALPHA_NOTE + " (chi-square gate and min_ratio make it lower)",
        "bars_ci",
        check_recontact_by_motif,
    ),
    Rule(
        "recontact_follows_volume",
        3,
        SEEDS["003"],
        "Le recontact monte après une montée en charge",
        "Recontact rises after a volume rise",
        "Volume de contacts et taux de recontact après un contact décroché (100 − FCR mesuré) "
        "par semaine, décalage de 0 à max_lag_weeks.",
        "Weekly contact volume and recontact rate after an answered contact (100 − measured "
        "FCR), lag 0 to max_lag_weeks.",
        ("volume", "recontact_rate_contacts"),
        (),
        "week",
        "Pearson correlation of weekly volume with the recontact rate lag weeks later, both "
        "linearly detrended, Fisher-z 95 % interval (SE 1/√(m−4)); one-sided p, Holm over the "
        "lags; fires when Holm p < alpha, r ≥ min_r and volume varies (CV ≥ min_cv).",
        {
            "max_lag_weeks": Param(
                2, "Largest lag tested (weeks).", "Décalage maximal (semaines)."
            ),
            "min_weeks": Param(10, "Minimum complete weeks.", "Semaines complètes minimales."),
            "min_r": Param(0.4, "Minimum correlation.", "Corrélation minimale."),
            "min_cv": Param(
                0.05,
                "Minimum coefficient of variation of weekly volume.",
                "Coefficient de variation minimal du volume hebdomadaire.",
            ),
        },
        "warning",
        "prioriser les tickets critiques et renforcer l'encadrement pendant les pics.",
        "prioritise critical tickets and reinforce supervision during peaks.",
        "une corrélation dans le temps n'est pas une preuve de cause : un même incident peut "
        "créer le volume et les rappels. " + _CAUTION_RECONTACT_FR,
        "a correlation over time is not proof of cause: one incident can create both the volume "
        "and the recontacts. " + _CAUTION_RECONTACT_EN,
        ("contacts.customer_id", "contacts.started_at", "contacts.motif"),
        0.05,
        _ALPHA_NOTE + " (over the lags)",
        "dual_trend",
        check_recontact_follows_volume,
    ),
    Rule(
        "fcr_declared_above_measured",
        4,
        SEEDS["003"],
        "FCR déclaré bien au-dessus du FCR mesuré",
        "Declared FCR well above measured FCR",
        "Sur les mêmes contacts décrochés (fenêtre complète) : drapeau « résolu » du conseiller "
        "vs absence de recontact.",
        "On the same answered contacts (complete window): the agent's resolved flag vs no "
        "recontact.",
        ("fcr", "fcr_measured"),
        ("provider",),
        None,
        "Paired comparison (McNemar) with the 95 % interval of the paired difference; fires "
        "when the interval is above 0, p < alpha and the gap ≥ min_gap_pts.",
        {
            "min_gap_pts": Param(5.0, "Minimum gap (points).", "Écart minimal (points)."),
            "min_n": MIN_N,
        },
        "warning",
        "contrôler un échantillon de tickets clos « résolus » qui sont revenus.",
        "review a sample of tickets closed as resolved that came back.",
        "le FCR mesuré dépend de la fenêtre et de la définition du « même problème » (même motif "
        "par défaut). " + _CAUTION_RECONTACT_FR,
        "measured FCR depends on the window and on what counts as the same problem (same motif "
        "by default). " + _CAUTION_RECONTACT_EN,
        ("contacts.resolved_first_contact", "contacts.customer_id", "contacts.started_at"),
        0.025,
        "one-sided at 95 %, plus the min_gap_pts materiality threshold",
        "paired_bars",
        check_fcr_declared_above_measured,
    ),
    Rule(
        "long_wait",
        5,
        SEEDS["003"],
        "Attente moyenne trop longue",
        "Average wait too long",
        "Temps d'attente moyen des appels entrants présentés : ensemble, par mois et par file "
        "(et par heure quand les horodatages portent l'heure).",
        "Mean wait of offered inbound calls: overall, per month and per queue (and by hour when "
        "the timestamps carry a time of day).",
        ("avg_wait", "dmt"),
        ("hour",),
        None,
        "One-sided t-test of the mean wait vs the avg_wait target, overall, per month and per "
        "queue (min_n calls each), Holm across them; a segment fires when Holm p < alpha and "
        "its Student 95 % interval is above the target. Needs a target with a source.",
        {"min_n": MIN_N},
        "alert",
        "revoir le dimensionnement, la gestion des pics (voire leur externalisation) et la DMT.",
        "review staffing, peak management (possibly outsourcing the peaks) and handling time.",
        "l'attente seule ne dit pas laquelle des trois causes joue : croiser avec la DMT et le "
        "profil horaire.",
        "waiting time alone does not say which of the three causes is at work: cross it with "
        "handling time and the hourly profile.",
        ("contacts.wait_s", "contacts.answered", "contacts.started_at"),
        0.05,
        _ALPHA_NOTE + " (overall, months, queues)",
        "bars_ci",
        check_long_wait,
    ),
    Rule(
        "dmt_short_within_motif",
        6,
        SEEDS["003"],
        "DMT plus courte que d'habitude à motif égal",
        "Handling time shorter than usual for the same motif",
        "DMT (talk + hold + acw) de chaque conseiller comparée à celle de ses pairs à motif, "
        "canal, niveau et prestataire égaux.",
        "Each agent's handling time compared with peers' for the same motif, channel, level and "
        "provider.",
        ("dmt",),
        ("agent_id", "motif"),
        None,
        "Log handling time minus the peers' mean log time in the same stratum (leave-one-agent-"
        "out); one-sided t-test per agent, Holm over agents; fires when Holm p < alpha and the "
        "ratio ≤ 1 − min_gap.",
        {
            "segment": Param(
                "agent_id",
                "Field compared (agent_id, team…).",
                "Champ comparé (conseiller, équipe…).",
            ),
            "min_gap": Param(
                0.25,
                "Minimum relative gap (0.25 = 25 % shorter).",
                "Écart relatif minimal (0,25 = 25 % plus court).",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "écouter des appels : qualification de la question, back-office (historisation), "
        "contenu de la réponse.",
        "listen to calls: question qualification, back office (logging), answer content.",
        "une DMT courte n'est pas une faute : la DMT dépend du type de question, la comparaison "
        "n'a de sens qu'à motif égal et reste une piste.",
        "a short handling time is not a fault: it depends on the question type, the comparison "
        "only holds within motif and stays a lead.",
        ("contacts.talk_s", "contacts.motif", "contacts.agent_id"),
        0.05,
        _ALPHA_NOTE + " (and the min_gap materiality threshold)",
        "bars_ci",
        check_dmt_short,
    ),
    Rule(
        "avoidable_high",
        7,
        SEEDS["003"],
        "Taux de contacts évitables élevé",
        "High avoidable-contact rate",
        "Part des contacts évitables (drapeau ou liste de motifs des réglages).",
        "Share of avoidable contacts (flag or list of motifs from the settings).",
        ("avoidable_rate",),
        ("motif",),
        None,
        "Wilson 95 % interval and one-sided score test vs the avoidable_rate target; fires when "
        "the lower bound is above the target.",
        {"min_n": MIN_N},
        "warning",
        "remonter les motifs évitables aux équipes produit, marketing et logistique, et aligner "
        "la définition d'« évitable ».",
        "take the avoidable motifs to product, marketing and logistics, and align the "
        "definition of 'avoidable'.",
        "ce taux mesure l'organisation, pas les conseillers ; il dépend de la définition "
        "d'« évitable » que l'entreprise se donne.",
        "this rate measures the organisation, not the agents; it depends on the company's own "
        "definition of 'avoidable'.",
        ("contacts.avoidable",),
        0.025,
        "one-sided 95 % interval vs the target",
        "pareto",
        check_avoidable_high,
    ),
    Rule(
        "transfer_high",
        8,
        SEEDS["003"],
        "Taux de transfert élevé",
        "High transfer rate",
        "Taux de transfert des contacts de niveau 1, global et par motif, avec les types de "
        "transfert.",
        "Level-1 transfer rate, overall and by motif, with transfer types.",
        ("transfer_rate",),
        ("motif", "transfer_to"),
        None,
        "One-sided score test vs the transfer_rate target, overall (with Wilson interval) and per "
        "motif (Holm over motifs).",
        {"min_n": MIN_N},
        "info",
        "regarder les types de transfert et les motifs pour cibler formation, documentation, "
        "procédures.",
        "look at transfer types and motifs to target training, documentation, procedures.",
        "un taux de transfert élevé n'est pas un problème en soi : il dépend des demandes et de "
        "l'autonomie voulue pour le niveau 1.",
        "a high transfer rate is not a problem in itself: it depends on the requests and on how "
        "autonomous level 1 is meant to be.",
        ("contacts.transferred", "contacts.motif"),
        0.05,
        _ALPHA_NOTE + " (motifs) + 2.5 % (overall)",
        "bars_ci",
        check_transfer_high,
    ),
    Rule(
        "survey_sample_small",
        9,
        SEEDS["003"],
        "Trop peu de réponses aux enquêtes",
        "Too few survey answers",
        "Nombre de réponses CSAT / NPS / CES, au total et par mois.",
        "Number of CSAT / NPS / CES answers, overall and by month.",
        ("csat", "nps", "ces"),
        (),
        "month",
        "Sample-size rule: n < min_n answers (overall, else per month).",
        {"min_n": MIN_N},
        "info",
        "ne pas classer ni comparer ces scores ; les lire avec leurs verbatims.",
        "do not rank or compare these scores; read them with their verbatims.",
        "« une note mesure, un verbatim explique » : un score sans assez de réponses ne dit rien "
        "de significatif.",
        "'a score measures, a verbatim explains': a score without enough answers says nothing "
        "significant.",
        ("surveys.csat_score",),
        0.0,
        "deterministic count rule (no sampling error)",
        "bars",
        check_survey_sample_small,
    ),
    Rule(
        "answer_abandon_not_100",
        10,
        SEEDS["002"],
        "Décroché + abandon ≠ 100 %",
        "Answer rate + abandon rate ≠ 100%",
        "Contacts présentés : décrochés, abandonnés, ni l'un ni l'autre ; par canal et file.",
        "Presented contacts: answered, abandoned, neither; by channel and queue.",
        ("answer_rate", "abandon_rate"),
        ("canal", "queue"),
        None,
        "Accounting identity with a tolerance: fires when |100 − (answer + abandon)| ≥ "
        "tolerance_pts over at least min_count contacts (or when the short-abandon setting "
        "removes that many).",
        {
            "tolerance_pts": Param(0.5, "Tolerance (points).", "Tolérance (points)."),
            "min_count": Param(
                5, "Minimum contacts in the gap.", "Contacts minimaux dans l'écart."
            ),
            "min_n": MIN_N,
        },
        "warning",
        "vérifier débordements, rappels automatiques et export (valeurs manquantes).",
        "check overflow, callbacks and the export (missing values).",
        "l'égalité décroché + abandon = 100 % ne vaut que sans débordement ni ticket de rappel.",
        "answer + abandon = 100% only holds without overflow or callback tickets.",
        ("contacts.answered",),
        0.0,
        "deterministic identity (no sampling error)",
        "bars",
        check_answer_abandon,
    ),
    Rule(
        "qos_below_nf345",
        11,
        SEEDS["002"],
        "Qualité de service sous le seuil NF 345",
        "Quality of service below NF 345",
        "Appels traités ÷ appels présentés (téléphone entrant), par mois.",
        "Handled ÷ presented calls (inbound phone), by month.",
        ("qos_rate",),
        (),
        "month",
        "Wilson 95 % interval and one-sided score test vs threshold_pct; fires when the upper "
        "bound is below it.",
        {
            "threshold_pct": Param(90.0, "NF 345 threshold (%).", "Seuil NF 345 (%)."),
            "min_n": MIN_N,
        },
        "alert",
        "renforcer la prise d'appels (effectifs, débordement, rappel) pour repasser au-dessus "
        "du seuil.",
        "reinforce call handling (staff, overflow, callback) to get back above the threshold.",
        "le seuil NF 345 porte sur les appels ; un export sans drapeau « présenté » compte les "
        "contacts au décroché connu.",
        "the NF 345 threshold is about calls; an export without an 'offered' flag counts "
        "contacts with a known answered value.",
        ("contacts.answered",),
        0.025,
        "one-sided 95 % interval vs the threshold",
        "trend",
        check_qos_below_nf345,
    ),
    Rule(
        "motifs_concentrated",
        12,
        SEEDS["000"],
        "Quelques motifs portent l'essentiel du volume",
        "A few motifs carry most of the volume",
        "Pareto des motifs : part des top_share_of_motifs motifs les plus fréquents.",
        "Motif Pareto: share of the top_share_of_motifs most frequent motifs.",
        ("motifs",),
        ("motif",),
        None,
        "Wilson 95 % interval of the share of the top ⌈top_share_of_motifs × motifs⌉ motifs; "
        "fires when its lower bound ≥ volume_share.",
        {
            "top_share_of_motifs": Param(
                0.2,
                "Share of motifs counted as 'a few'.",
                "Part des motifs comptés comme « quelques-uns ».",
            ),
            "volume_share": Param(
                0.5, "Volume share they must carry.", "Part du volume qu'ils doivent porter."
            ),
            "min_n": MIN_N,
        },
        "info",
        "prioriser FAQ et selfcare sur ces motifs pour réduire les contacts de niveau 1.",
        "prioritise FAQ and self-care on these motifs to cut level-1 contacts.",
        "un motif fréquent n'est pas forcément évitable : vérifier ce que le client cherchait.",
        "a frequent motif is not necessarily avoidable: check what the customer was after.",
        ("contacts.motif",),
        0.025,
        "one-sided 95 % interval vs the threshold",
        "pareto",
        check_motifs_concentrated,
    ),
    Rule(
        "score_moved_after_event",
        13,
        SEEDS["003"],
        "Un score a bougé après une formation ou un changement",
        "A score moved after a training or change",
        "NPS et CSAT avant / après une date (réglages event_date, event_motif, ou events), "
        "sur le motif visé comparé aux autres motifs.",
        "NPS and CSAT before / after a date (settings event_date, event_motif, or events), on "
        "the motif concerned compared with the other motifs.",
        ("nps", "csat"),
        ("motif",),
        None,
        "Difference-in-differences within ±window_days of the date (motif after − before minus "
        "others after − before), normal test with trinomial (NPS) / binomial (CSAT) variances, "
        "Holm over the tests; fires when Holm p < alpha and |change| ≥ min_change.",
        {
            "event_date": Param(None, "Date of the training/change.", "Date de la formation."),
            "event_motif": Param(None, "Motif concerned (optional).", "Motif visé (facultatif)."),
            "event_label": Param("", "Label.", "Libellé."),
            "window_days": Param(90, "Days before and after.", "Jours avant et après."),
            "min_change_nps": Param(
                10.0, "Minimum NPS change (points).", "Variation minimale du NPS (points)."
            ),
            "min_change_csat": Param(
                5.0, "Minimum CSAT change (points).", "Variation minimale du CSAT (points)."
            ),
            "min_n": MIN_N,
        },
        "info",
        "documenter l'effet de l'action et l'étendre si elle a marché (ou la revoir sinon).",
        "document the action's effect and extend it if it worked (or revisit it if not).",
        "avant / après n'est pas une expérience : d'autres changements à la même date peuvent "
        "jouer ; la comparaison aux autres motifs en retire une partie.",
        "before / after is not an experiment: other changes at the same date may play; the "
        "comparison with the other motifs removes part of them.",
        ("surveys.nps_score", "surveys.answered_at", "settings.event_date"),
        0.05,
        _ALPHA_NOTE + " (over events × scores)",
        "bars_ci",
        check_score_after_event,
    ),
    Rule(
        "hno_share_high",
        None,
        SEEDS["002"],
        "Part HNO élevée : horaires élargis ou message de dissuasion",
        "High out-of-hours share: extended hours or dissuasion message",
        "Part des contacts hors heures d'ouverture confirmées (réglage opening_hours ; sinon les "
        "heures suggérées par les données sont proposées à confirmer), par canal.",
        "Share of contacts outside confirmed opening hours (setting opening_hours; otherwise the "
        "hours the data suggest are offered for confirmation), by channel.",
        ("ho_hno",),
        ("canal",),
        None,
        "One-sided score test vs share (Wilson interval shown), Holm over channels; fires for a "
        "channel with Holm p < alpha and at least min_per_week HNO contacts per week.",
        {
            "share": Param(0.10, "HNO share threshold (0.10 = 10 %).", "Seuil de part HNO."),
            "min_per_week": Param(
                5.0, "Minimum HNO contacts per week.", "Contacts HNO minimaux par semaine."
            ),
            "min_n": MIN_N,
        },
        "info",
        "étudier des horaires élargis sur ce canal, ou un message de dissuasion / messagerie "
        "pour le téléphone.",
        "consider extended hours on this channel, or a dissuasion message / voicemail for phone.",
        "les horaires d'ouverture viennent des réglages : s'ils ne sont pas ceux du centre, la "
        "part HNO est fausse.",
        "opening hours come from the settings: if they are not the centre's, the HNO share is "
        "wrong.",
        ("contacts.started_at",),
        0.05,
        _ALPHA_NOTE + " (over channels)",
        "bars_ci",
        check_hno_share,
    ),
    Rule(
        "staffing_erlang",
        None,
        SEEDS["003"],
        "Estimation d'effectif (Erlang C) quand l'attente est longue",
        "Staffing estimate (Erlang C) when waits are long",
        "Vitesse moyenne de réponse ; par demi-heure : appels présentés par jour, DMT, "
        "conseillers requis (Erlang C) et conseillers vus.",
        "Average speed of answer; per half-hour: offered calls per day, AHT, agents needed "
        "(Erlang C) and agents seen.",
        ("asa", "service_level", "dmt"),
        ("half_hour",),
        None,
        "Gate: Student 95 % interval of ASA above the asa target. Then Erlang C (M/M/N) per "
        "half-hour for the service_level target within sl_seconds; slots listed when needed − "
        "seen ≥ min_deficit and observed SL < target.",
        {
            "min_deficit": Param(
                1.0,
                "Minimum agents missing in a slot.",
                "Conseillers manquants minimaux sur un créneau.",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "revoir la planification des créneaux en déficit (ou le débordement / rappel).",
        "review the schedule of the slots in deficit (or overflow / callback).",
        "Erlang C ignore les abandons et suppose des arrivées aléatoires : c'est un ordre de "
        "grandeur ; « vus » compte les conseillers ayant pris un appel, pas les connectés.",
        "Erlang C ignores abandons and assumes random arrivals: an order of magnitude; 'seen' "
        "counts agents who took a call, not those logged in.",
        ("contacts.wait_s", "contacts.answered", "contacts.started_at", "contacts.talk_s"),
        0.025,
        "one-sided 95 % interval of ASA vs the target",
        "staffing",
        check_staffing,
    ),
    Rule(
        "dmt_long_within_motif",
        None,
        SEEDS["003"],
        "DMT très au-dessus des pairs à motif égal",
        "Handling time far above peers for the same motif",
        "DMT de chaque conseiller comparée à celle de ses pairs à motif, canal, niveau et "
        "prestataire égaux.",
        "Each agent's handling time compared with peers' for the same motif, channel, level and "
        "provider.",
        ("dmt",),
        ("agent_id", "motif"),
        None,
        "As dmt_short_within_motif, upper tail: fires when Holm p < alpha and the ratio ≥ 1 + "
        "min_gap.",
        {
            "segment": Param("agent_id", "Field compared.", "Champ comparé."),
            "min_gap": Param(
                0.3,
                "Minimum relative gap (0.3 = 30 % longer).",
                "Écart relatif minimal (0,3 = 30 % plus long).",
            ),
            "min_n": MIN_N,
        },
        "info",
        "accompagner (écoute, base de connaissances) et vérifier les outils : une DMT longue "
        "pèse aussi sur l'attente.",
        "coach (call listening, knowledge base) and check the tools: long handling also weighs "
        "on waits.",
        "une DMT longue peut refléter des dossiers plus complexes que ne le dit le motif.",
        "long handling may reflect cases more complex than the motif says.",
        ("contacts.talk_s", "contacts.motif", "contacts.agent_id"),
        0.05,
        _ALPHA_NOTE + " (and min_gap)",
        "bars_ci",
        check_dmt_long,
    ),
    Rule(
        "fcr_declared_vs_survey",
        None,
        SEEDS["003"],
        "FCR déclaré et FCR enquête en désaccord",
        "Declared FCR and survey FCR disagree",
        "Contacts enquêtés : drapeau « résolu » du conseiller vs réponse « demande résolue ».",
        "Surveyed contacts: the agent's resolved flag vs the customer's 'request resolved'.",
        ("fcr", "fcr_survey"),
        (),
        None,
        "Paired comparison (McNemar, two-sided) with the 95 % interval of the paired "
        "difference; fires when p < alpha, the interval excludes 0 and |gap| ≥ min_gap_pts.",
        {
            "min_gap_pts": Param(10.0, "Minimum gap (points).", "Écart minimal (points)."),
            "min_n": MIN_N,
        },
        "warning",
        "relire des contacts où le client dit « non résolu » alors que le conseiller a dit "
        "« résolu ».",
        "read contacts where the customer says 'not resolved' while the agent said 'resolved'.",
        "le client juge le résultat final (parfois hors de portée du conseiller) ; les "
        "répondants ne sont pas tous les clients.",
        "the customer judges the final outcome (sometimes beyond the agent's reach); "
        "respondents are not all customers.",
        (
            "contacts.contact_id",
            "contacts.resolved_first_contact",
            "surveys.contact_id",
            "surveys.resolved_declared",
        ),
        0.05,
        "two-sided 5 % test, plus min_gap_pts",
        "paired_bars",
        check_fcr_declared_vs_survey,
    ),
    Rule(
        "scores_opposite_fcr",
        None,
        SEEDS["003"],
        "CSAT / NPS évoluent à l'inverse du FCR",
        "CSAT / NPS moving opposite to FCR",
        "Tendances hebdomadaires du FCR (fcr_kpi) et des scores CSAT et NPS.",
        "Weekly trends of FCR (fcr_kpi) and of CSAT and NPS.",
        ("fcr", "csat", "nps"),
        (),
        "week",
        "Weighted OLS slopes with 95 % t intervals; fires when the FCR slope interval excludes "
        "0 and a score's slope is of opposite sign with Holm p < alpha (over CSAT, NPS).",
        {
            "fcr_kpi": Param(
                "fcr", "FCR variant (fcr, fcr_measured, fcr_survey).", "Variante de FCR."
            ),
            "min_weeks": Param(8, "Minimum complete weeks.", "Semaines complètes minimales."),
        },
        "warning",
        "vérifier la clôture des demandes et ce que disent les verbatims des clients.",
        "check how requests are closed and what customers' verbatims say.",
        "deux tendances opposées ne prouvent pas un lien ; la population enquêtée peut changer.",
        "two opposite trends do not prove a link; the surveyed population may change.",
        ("contacts.resolved_first_contact", "surveys.csat_score", "surveys.answered_at"),
        0.0025,
        "both slopes must be significant: ≈ alpha/2 × alpha under independence",
        "multi_trend",
        check_scores_opposite_fcr,
    ),
]
RULES += SEED_RULES
RULES_BY_ID = {r.id: r for r in RULES}
