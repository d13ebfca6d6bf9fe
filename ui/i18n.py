"""UI strings, French first then English: ``t("key", lang)``; unknown keys come back as-is."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # navigation and sidebar
    "app_title": ("Pilote — indicateurs de la relation client", "Pilote — customer-service KPIs"),
    "nav_home": ("Accueil", "Home"),
    "nav_import": ("Import", "Import"),
    "nav_dashboard": ("Tableau de bord", "Dashboard"),
    "nav_explorer": ("Explorer", "Explorer"),
    "nav_quality": ("Qualité", "Quality"),
    "nav_verbatims": ("Verbatims", "Verbatims"),
    "nav_settings": ("Paramètres", "Settings"),
    "nav_glossary": ("Glossaire", "Glossary"),
    "nav_cross": ("Analyses croisées", "Cross-analyses"),
    "nav_compare": ("Comparaison prestataires", "Provider comparison"),
    "nav_notebook": ("Carnet d'audit", "Audit notebook"),
    "language": ("Langue", "Language"),
    "dataset": ("Données", "Data"),
    "sample_banner": (
        "Données d'exemple : centre de contacts fictif. Importez vos exports dans la page Import.",
        "Sample data (données d'exemple): a fictitious contact centre. Import your exports on "
        "the Import page.",
    ),
    "sample_name": ("données d'exemple", "sample data"),
    "user_data": ("vos données", "your data"),
    "back_to_sample": ("Revenir aux données d'exemple", "Back to the sample data"),
    "filters": ("Filtres (toutes les pages)", "Filters (every page)"),
    "period": ("Période", "Period"),
    "reset_filters": ("Effacer les filtres", "Clear filters"),
    "rows_table": ("{table} : {n} lignes", "{table}: {n} rows"),
    "all": ("tous", "all"),
    "no_contacts": (
        "Aucune table de contacts chargée : importez un export dans la page Import.",
        "No contacts table loaded: import an export on the Import page.",
    ),
    "no_surveys": (
        "Aucune table d'enquêtes chargée : importez des réponses d'enquête.",
        "No survey table loaded: import survey answers.",
    ),
    "no_evaluations": (
        "Aucune grille d'évaluation chargée : importez un export de notes d'écoute / picking.",
        "No evaluation grid loaded: import a call-monitoring / picking export.",
    ),
    "no_rows": ("Aucune ligne ne correspond aux filtres.", "No row matches the filters."),
    "engine_missing": (
        "Le moteur d'indicateurs n'est pas disponible : {err}",
        "The KPI engine is not available: {err}",
    ),
    # home
    "home_intro": (
        "Pilote calcule les indicateurs de la relation client (CSAT, NPS, FCR, taux de rappel, "
        "décroché, DMT, qualité…) à partir de vos exports, avec pour chaque chiffre son effectif "
        "(n) et son intervalle de confiance.",
        "Pilote computes customer-service KPIs (CSAT, NPS, FCR, recontact rate, answer rate, "
        "AHT, quality…) from your exports, each number with its sample size (n) and its "
        "confidence interval.",
    ),
    "home_steps": (
        "1. **Import** : déposez vos fichiers, vérifiez la correspondance des colonnes.\n"
        "2. **Tableau de bord** : les indicateurs par famille, face à leurs cibles.\n"
        "3. **Explorer** : un indicateur par segment et par période, avec le détail des contacts.\n"
        "4. **Qualité**, **Verbatims** : grilles d'évaluation et commentaires clients.\n"
        "5. **Paramètres**, **Glossaire** : règles de calcul et définitions.",
        "1. **Import**: drop your files, check the column mapping.\n"
        "2. **Dashboard**: KPIs by family, against their targets.\n"
        "3. **Explorer**: one KPI by segment and period, with the contacts behind it.\n"
        "4. **Quality**, **Verbatims**: evaluation grids and customer comments.\n"
        "5. **Settings**, **Glossary**: calculation rules and definitions.",
    ),
    "loaded_tables": ("Tables chargées", "Loaded tables"),
    "table": ("Table", "Table"),
    "rows": ("Lignes", "Rows"),
    "from": ("Du", "From"),
    "to": ("Au", "To"),
    "files": ("Fichiers", "Files"),
    # import
    "import_title": ("Import des exports", "Import exports"),
    "upload": (
        "Déposez un ou plusieurs fichiers (CSV, TXT, XLSX, Parquet)",
        "Drop one or several files (CSV, TXT, XLSX, Parquet)",
    ),
    "upload_help": (
        "Contacts / tickets, réponses d'enquête, grilles d'évaluation, ou agrégats par période.",
        "Contacts / tickets, survey answers, evaluation grids, or per-period aggregates.",
    ),
    "no_upload": (
        "Aucun fichier déposé : l'application utilise les données en cours.",
        "No file dropped: the app keeps using the current data.",
    ),
    "provider_label": ("Prestataire (facultatif)", "Provider (optional)"),
    "table_kind": ("Type de table", "Table type"),
    "auto": ("détection automatique", "automatic detection"),
    "sheet": ("Feuille", "Sheet"),
    "detected": ("Format détecté", "Detected format"),
    "mapping": ("Correspondance des colonnes", "Column mapping"),
    "mapping_help": (
        "Choisissez la colonne source de chaque champ ; la confiance indique la sûreté de la "
        "détection automatique.",
        "Pick the source column of each field; confidence tells how sure the automatic mapping is.",
    ),
    "field": ("Champ", "Field"),
    "label": ("Libellé", "Label"),
    "source_column": ("Colonne source", "Source column"),
    "confidence": ("Confiance", "Confidence"),
    "required": ("Obligatoire", "Required"),
    "values_title": ("Normalisation des valeurs", "Value normalisation"),
    "source_value": ("Valeur source", "Source value"),
    "canonical_value": ("Valeur retenue", "Canonical value"),
    "mapping_yaml": ("Mapping YAML", "Mapping YAML"),
    "load_yaml": ("Charger un mapping (YAML)", "Load a mapping (YAML)"),
    "save_yaml": ("Enregistrer le mapping (YAML)", "Save the mapping (YAML)"),
    "report": ("Rapport de validation", "Validation report"),
    "rows_in": ("Lignes lues", "Rows read"),
    "rows_used": ("Lignes retenues", "Rows used"),
    "rows_aside": ("Lignes écartées", "Rows set aside"),
    "reason": ("Motif de rejet", "Reason"),
    "count": ("Nombre", "Count"),
    "download_aside": (
        "Télécharger les lignes écartées (CSV)",
        "Download the set-aside rows (CSV)",
    ),
    "confirm": ("Utiliser ces données", "Use this data"),
    "confirmed": (
        "Données chargées : {n} fichier(s). Les pages utilisent maintenant vos données.",
        "Data loaded: {n} file(s). Every page now uses your data.",
    ),
    "reading": ("Lecture de « {file} »…", "Reading '{file}'…"),
    "computing": ("Contrôle et calcul…", "Checking and computing…"),
    "done": ("Terminé", "Done"),
    "import_failed_keep": (
        "Les données déjà chargées restent utilisées.",
        "The data already loaded stays in use.",
    ),
    "unmapped": ("Colonnes non utilisées", "Unused columns"),
    "preview": ("Aperçu des lignes retenues", "Preview of the rows used"),
    # dashboard
    "dash_title": ("Tableau de bord", "Dashboard"),
    "target": ("cible", "target"),
    "targets_edit": ("Modifier les cibles", "Edit targets"),
    "ci": ("IC 95 %", "95% CI"),
    "low_sample": ("échantillon insuffisant", "sample too small"),
    "unavailable": ("Indicateurs non calculables", "KPIs that cannot be computed"),
    "needs": ("Nécessite", "Needs"),
    "detail": ("Détail (moteur)", "Detail (engine)"),
    "kpi": ("Indicateur", "KPI"),
    "value": ("Valeur", "Value"),
    "no_data": ("pas de donnée", "no data"),
    "on_target": ("conforme à la cible", "on target"),
    "off_target": ("en dehors de la cible", "off target"),
    "no_target": ("pas de cible (défaut sans source)", "no target (default without a source)"),
    "trend": ("Tendance mensuelle", "Monthly trend"),
    "chart": ("Graphique", "Chart"),
    # explorer
    "explorer_title": ("Explorer un indicateur", "Explore a KPI"),
    "pick_kpis": ("Indicateurs", "KPIs"),
    "segment1": ("Segment 1", "Segment 1"),
    "segment2": ("Segment 2", "Segment 2"),
    "none": ("aucun", "none"),
    "period_none": ("toute la période", "whole period"),
    "day": ("jour", "day"),
    "week": ("semaine", "week"),
    "month": ("mois", "month"),
    "sort": ("Tri", "Sort"),
    "sort_segment": ("par segment", "by segment"),
    "sort_value_desc": ("valeur décroissante", "value, descending"),
    "sort_value_asc": ("valeur croissante", "value, ascending"),
    "drill": ("Contacts du segment sélectionné", "Contacts of the selected segment"),
    "drill_hint": (
        "Sélectionnez une ligne du tableau (ou une barre du graphique) pour voir les contacts.",
        "Select a table row (or a chart bar) to see the contacts behind it.",
    ),
    "first_rows": ("{n} lignes, {shown} premières affichées", "{n} rows, first {shown} shown"),
    "download_csv": ("Télécharger (CSV)", "Download (CSV)"),
    "download_xlsx": ("Télécharger (XLSX)", "Download (XLSX)"),
    "download_drill": ("Télécharger ces contacts (CSV)", "Download these contacts (CSV)"),
    "pick_one": ("Choisissez au moins un indicateur.", "Pick at least one KPI."),
    "ci_low": ("IC bas", "CI low"),
    "ci_high": ("IC haut", "CI high"),
    "status": ("Statut", "Status"),
    "pct": ("% du max", "% of max"),
    "low": ("Faible", "Low"),
    "below_target": ("Sous la cible (en rouge)", "Below target (in red)"),
    # quality
    "quality_title": (
        "Qualité : notes d'écoute et picking",
        "Quality: call monitoring and picking",
    ),
    "grid": ("Grille", "Grid"),
    "by_item": ("Note moyenne par item de grille", "Mean score by grid item"),
    "by_agent": ("Par conseiller", "By agent"),
    "by_evaluator": ("Par évaluateur", "By evaluator"),
    "per_agent_period": (
        "Évaluations par conseiller et par mois",
        "Evaluations per agent per month",
    ),
    "distribution": ("Distribution des notes (% du maximum)", "Score distribution (% of maximum)"),
    "low_items": (
        "Items les plus faibles (sous {th} % du maximum) : {items}",
        "Weakest items (under {th}% of maximum): {items}",
    ),
    "item": ("Item", "Item"),
    "low_threshold": ("Seuil « faible » (% du max)", "Low threshold (% of max)"),
    "mean": ("Moyenne", "Mean"),
    "score_pct": ("Note (% du max)", "Score (% of max)"),
    "evaluations": ("Évaluations", "Evaluations"),
    # verbatims
    "verbatims_title": ("Verbatims", "Verbatims"),
    "score_used": ("Note utilisée", "Score used"),
    "recurring": ("Termes récurrents", "Recurring terms"),
    "overrep": (
        "Termes sur-représentés chez les détracteurs (vs promoteurs)",
        "Terms over-represented among detractors (vs promoters)",
    ),
    "term": ("Terme", "Term"),
    "docs": ("Commentaires", "Comments"),
    "detractors": ("Détracteurs", "Detractors"),
    "promoters": ("Promoteurs", "Promoters"),
    "examples": ("Exemples de commentaires", "Example comments"),
    "pick_term": ("Terme", "Term"),
    "segment_filter": ("Segment", "Segment"),
    "no_comments": ("Aucun commentaire dans la sélection.", "No comment in the selection."),
    "comments_n": (
        "{n} commentaires ({det} détracteurs, {pro} promoteurs)",
        "{n} comments ({det} detractors, {pro} promoters)",
    ),
    # settings
    "settings_title": ("Paramètres de calcul", "Calculation settings"),
    "settings_saved": (
        "Paramètres appliqués à toutes les pages.",
        "Settings applied to every page.",
    ),
    "apply": ("Appliquer", "Apply"),
    "reset": ("Valeurs par défaut", "Defaults"),
    "opening_hours": ("Heures d'ouverture (HO / HNO)", "Opening hours (HO / HNO)"),
    "recontact": ("Rappels et résolution", "Recontact and resolution"),
    "telephony": ("Téléphonie", "Telephony"),
    "surveys": ("Enquêtes", "Surveys"),
    "avoidable": ("Motifs évitables", "Avoidable motifs"),
    "period_inputs": ("Données par période", "Per-period inputs"),
    "mapping_from_workspace": (
        "Correspondance reprise de l'espace de travail chargé.",
        "Mapping taken from the loaded workspace.",
    ),
    "period_upload": ("Charger un fichier (CSV, XLSX…)", "Load a file (CSV, XLSX…)"),
    "period_upload_report": (
        "{file} : {rows_in} lignes lues, {rows_used} utilisées, {rows_set_aside} mises de côté.",
        "{file}: {rows_in} rows in, {rows_used} used, {rows_set_aside} set aside.",
    ),
    "period_upload_use": ("Utiliser ce fichier", "Use this file"),
    "targets": ("Cibles", "Targets"),
    "other_params": ("Autres paramètres", "Other parameters"),
    # glossary
    "glossary_title": ("Glossaire des indicateurs", "KPI glossary"),
    "definition": ("Définition", "Definition"),
    "formula": ("Formule", "Formula"),
    "unit": ("Unité", "Unit"),
    "direction": ("Sens", "Direction"),
    "population": ("Population (sur quoi il se calcule)", "Population (what it counts over)"),
    "params": ("Paramètres", "Parameters"),
    "param_name": ("Paramètre", "Parameter"),
    "param_default": ("Valeur par défaut", "Default"),
    "variant_of": ("Variante de", "Variant of"),
    "higher": ("plus haut = mieux", "higher is better"),
    "lower": ("plus bas = mieux", "lower is better"),
    "neutral": ("neutre (à lire en contexte)", "neutral (read in context)"),
    "search": ("Rechercher", "Search"),
    # notebook widget (every view)
    "nb_add": ("Ajouter au carnet", "Add to notebook"),
    "nb_comment_new": ("Commentaire pour le carnet (facultatif)", "Notebook comment (optional)"),
    "nb_added": (
        "Ajouté au carnet d'audit ({n} cellule(s) au total).",
        "Added to the audit notebook ({n} cell(s) in all).",
    ),
    # provider comparison
    "cmp_title": ("Comparaison prestataires", "Provider comparison"),
    "cmp_no_provider": (
        "Les données n'ont pas de champ prestataire : importez une colonne « Prestataire », ou un "
        "fichier par prestataire en donnant son libellé à l'import.",
        "The data has no provider field: import a 'provider' column, or one file per provider "
        "with its label given at import.",
    ),
    "cmp_too_few": (
        "La comparaison demande au moins deux prestataires (trouvés : {found}).",
        "The comparison needs at least two providers (found: {found}).",
    ),
    "cmp_intro": (
        "Chaque valeur brute est donnée à côté de sa valeur ajustée au mix commun motif × canal "
        "(standardisation directe) : un prestataire qui traite plus de motifs difficiles n'est "
        "pas pénalisé.",
        "Each raw value is shown next to its value adjusted to the pooled motif × channel mix "
        "(direct standardisation): a provider handling harder motifs is not penalised.",
    ),
    "cmp_strata": ("Strates du mix (motif, canal, niveau)", "Mix strata (reason, channel, level)"),
    "cmp_min_cell": ("Effectif minimal par cellule motif × canal", "Minimum units per cell"),
    "cmp_correction": ("Correction des tests multiples", "Multiple-comparison correction"),
    "cmp_table": ("Brut et ajusté au mix commun", "Raw and adjusted to the pooled mix"),
    "cmp_provider": ("Prestataire", "Provider"),
    "cmp_raw": ("Brut", "Raw"),
    "cmp_raw_low": ("Brut : IC bas", "Raw: CI low"),
    "cmp_raw_high": ("Brut : IC haut", "Raw: CI high"),
    "cmp_std": ("Ajusté mix", "Mix-adjusted"),
    "cmp_std_low": ("Ajusté : IC bas", "Adjusted: CI low"),
    "cmp_std_high": ("Ajusté : IC haut", "Adjusted: CI high"),
    "cmp_coverage": ("Couverture du mix (%)", "Mix coverage (%)"),
    "cmp_pooled": ("Valeur commune", "Pooled value"),
    "cmp_diff": ("Écart ajusté à la valeur commune", "Adjusted gap to pooled"),
    "cmp_p_adj": ("p ajusté", "adjusted p"),
    "cmp_significant": ("Significatif", "Significant"),
    "cmp_merges": (
        "Cellules ajustées (hors support commun, ou trop petites et rapprochées de la valeur du "
        "motif) : {detail}. Détail dans « Méthode et ajustements ».",
        "Cells adjusted (outside the common support, or too small and shrunk toward the motif "
        "value): {detail}. Details under 'Method and adjustments'.",
    ),
    "cmp_no_merge": ("Aucune cellule ajustée.", "No cell adjusted."),
    "cmp_method": ("Méthode et ajustements", "Method and adjustments"),
    "cmp_merged_into": ("Ajustement", "Adjustment"),
    "cmp_cells": ("Cellules", "Cells"),
    "cmp_short": ("Prestataires concernés", "Providers concerned"),
    "cmp_out_of_support": ("hors support commun", "outside the common support"),
    "cmp_shrunk": ("rapprochées de la valeur du motif", "shrunk toward the motif value"),
    "cmp_chart": ("Brut et ajusté, intervalles à 95 %", "Raw and adjusted, 95% intervals"),
    "cmp_findings": ("Ce que disent les tests", "What the tests say"),
    "cmp_pairwise": ("Comparaisons deux à deux", "Pairwise comparisons"),
    "cmp_scorecard": ("Tableau de score pondéré", "Weighted scorecard"),
    "cmp_score_help": (
        "Poids et seuils contractuels (SLA, qualité de service NF 345, niveau de service…) : "
        "note de 50 au seuil, 100 une tolérance au-dessus, 0 une tolérance en dessous. Le rang "
        "est rééchantillonné {n} fois.",
        "Weights and contract thresholds (SLA, NF 345 quality of service, service level…): "
        "score 50 at the threshold, 100 one tolerance better, 0 one tolerance worse. The ranking "
        "is resampled {n} times.",
    ),
    "cmp_weight": ("Poids", "Weight"),
    "cmp_threshold": ("Seuil contractuel", "Contract threshold"),
    "cmp_threshold_label": ("Référence", "Reference"),
    "cmp_score": ("Score", "Score"),
    "cmp_rank": ("Rang", "Rank"),
    "cmp_p_first": ("P(1er) %", "P(1st) %"),
    "cmp_rank_range": ("Rangs possibles (95 %)", "Rank range (95%)"),
    "cmp_met": ("Seuils atteints", "Thresholds met"),
    "cmp_no_weight": (
        "Donnez un poids positif à au moins un indicateur.",
        "Give at least one KPI a positive weight.",
    ),
    # notebook page
    "nb_title": ("Carnet d'audit", "Audit notebook"),
    "nb_intro": (
        "Les vues ajoutées avec « Ajouter au carnet ». Chaque cellule est recalculée sur les "
        "données actuelles avec ses propres paramètres et filtres (les filtres de la barre "
        "latérale ne s'appliquent pas ici) : un nouvel export mensuel rafraîchit tout l'audit.",
        "The views added with 'Add to notebook'. Each cell is recomputed on the current data "
        "with its own parameters and filters (the sidebar filters do not apply here): a new "
        "monthly export refreshes the whole audit.",
    ),
    "nb_empty": (
        "Le carnet est vide : ajoutez des vues avec « Ajouter au carnet » sur les autres pages, "
        "partez de l'audit standard ou chargez un espace de travail.",
        "The notebook is empty: add views with 'Add to notebook' on the other pages, start "
        "from the standard audit or load a workspace.",
    ),
    "nb_standard": ("Ajouter l'audit standard", "Add the standard audit"),
    "nb_standard_added": (
        "Audit standard ajouté : {n} cellule(s).",
        "Standard audit added: {n} cell(s).",
    ),
    "nb_up": ("Monter", "Move up"),
    "nb_down": ("Descendre", "Move down"),
    "nb_delete": ("Supprimer", "Delete"),
    "nb_comment": ("Commentaire", "Comment"),
    "nb_view": ("Vue", "View"),
    "nb_filters": ("Filtres", "Filters"),
    "nb_no_filter": ("aucun filtre", "no filter"),
    "nb_params": ("Paramètres", "Parameters"),
    "nb_findings": ("Constats", "Findings"),
    "nb_more_tables": ("Tableaux complémentaires", "More tables"),
    "nb_workspace": ("Espace de travail", "Workspace"),
    "nb_save": ("Enregistrer l'espace de travail (JSON)", "Save the workspace (JSON)"),
    "nb_key_save": ("Enregistrer la clé de pseudonymisation", "Save the pseudonymisation key"),
    "nb_key_help": (
        "Un fichier à part, à garder pour vous : avec lui, les fichiers du mois prochain donnent "
        "aux mêmes clients les mêmes pseudonymes. Ne le joignez pas à un espace de travail que "
        "vous partagez : qui détient la clé peut retrouver un client à partir d'une liste "
        "d'identifiants (numéros de téléphone…).",
        "A separate file, to keep to yourself: with it, next month's files give the same "
        "customers the same pseudonyms. Do not send it with a workspace you share: whoever holds "
        "the key can find a customer from a list of candidate ids (phone numbers…).",
    ),
    "nb_key_load": (
        "Clé de pseudonymisation (facultatif, fichier enregistré avec l'espace de travail)",
        "Pseudonymisation key (optional, the file saved with the workspace)",
    ),
    "nb_key_none": (
        "Sans la clé, les fichiers importés ensuite recevront de nouveaux pseudonymes : les "
        "clients ne seront pas reliés à ceux du mois précédent.",
        "Without the key, files imported next get new pseudonyms: customers are not linked to "
        "last month's.",
    ),
    "nb_key_bad": (
        "Ce fichier n'est pas une clé de pseudonymisation Pilote.",
        "This file is not a Pilote pseudonymisation key.",
    ),
    "nb_key_mismatch": (
        "Cette clé n'est pas celle de cet espace de travail (empreinte différente) : elle n'est "
        "pas appliquée.",
        "This key is not this workspace's (different fingerprint): it is not applied.",
    ),
    "nb_save_help": (
        "Mappings des fichiers, paramètres, filtres, cibles et cellules du carnet — jamais les "
        "données.",
        "File mappings, settings, filters, targets and notebook cells — never the data.",
    ),
    "nb_load": ("Charger un espace de travail (JSON)", "Load a workspace (JSON)"),
    "nb_load_summary": (
        "« {file} » : {cells} cellule(s), {maps} mapping(s), {targets} cible(s).",
        "'{file}': {cells} cell(s), {maps} mapping(s), {targets} target(s).",
    ),
    "nb_load_apply": ("Remplacer le carnet par ce fichier", "Replace the notebook with this file"),
    "nb_loaded": (
        "Espace de travail chargé : {n} cellule(s) ; paramètres, cibles et filtres appliqués.",
        "Workspace loaded: {n} cell(s); settings, targets and filters applied.",
    ),
    "nb_mappings": (
        "Mappings de l'espace de travail (à charger dans la page Import)",
        "Workspace mappings (load them on the Import page)",
    ),
    "nb_deliverables": ("Livrables du carnet", "Notebook deliverables"),
    "nb_xlsx": ("Télécharger l'audit (Excel)", "Download the audit (Excel)"),
    "nb_html": ("Télécharger l'audit (HTML)", "Download the audit (HTML)"),
    "nb_pptx": ("Télécharger l'audit (PowerPoint)", "Download the audit (PowerPoint)"),
    # groups
    "voice_of_customer": ("Voix du client", "Voice of the customer"),
    "resolution": ("Résolution et parcours", "Resolution and journey"),
    "telephony_group": ("Téléphonie", "Telephony"),
    "quality": ("Qualité", "Quality"),
    "people": ("RH et productivité", "People and productivity"),
    "business": ("Business (base clients)", "Business (customer base)"),
    # --- mapping ---
    "map_reset": ("Réinitialiser la correspondance détectée", "Reset to the detected mapping"),
    "map_shared_column": (
        "La colonne « {column} » alimente plusieurs champs : {fields}. Vérifiez que c'est voulu.",
        "Column '{column}' feeds several fields: {fields}. Check that this is intended.",
    ),
    "dates_title": ("Dates : format et aperçu", "Dates: format and preview"),
    "time_column": ("Colonne de l'heure (facultatif)", "Time column (optional)"),
    "no_time_column": ("aucune (l'heure est dans la date)", "none (the time is in the date)"),
    "time_column_help": (
        "Quand la date et l'heure sont dans deux colonnes, choisissez ici celle de l'heure : "
        "les deux sont lues ensemble.",
        "When the date and the time are in two columns, pick the time column here: both are "
        "read together.",
    ),
    "date_format": ("Format de date", "Date format"),
    "date_format_auto": ("Automatique (détecté : {found})", "Automatic (detected: {found})"),
    "date_format_other": ("Autre format…", "Other format…"),
    "date_format_example": ("{code} (ex. {example})", "{code} (e.g. {example})"),
    "date_format_free": ("Format (codes strptime)", "Format (strptime codes)"),
    "date_format_free_help": (
        "Par exemple %d.%m.%y %H:%M pour 05.03.26 09:15 (%d jour, %m mois, %Y année sur quatre "
        "chiffres, %y sur deux, %H heure, %M minute, %S seconde).",
        "For example %d.%m.%y %H:%M for 05.03.26 09:15 (%d day, %m month, %Y four-digit year, "
        "%y two-digit year, %H hour, %M minute, %S second).",
    ),
    "source_text": ("Texte source", "Source text"),
    "parsed_value": ("Date lue", "Date read"),
    "unreadable_dates": (
        "{n} valeur(s) illisible(s) sur {total} renseignée(s) dans la colonne ({share}).",
        "{n} unreadable value(s) out of {total} filled in the column ({share}).",
    ),
    "values_free_help": (
        "Autres champs : écrivez la valeur à retenir ; laissez vide pour garder la valeur source.",
        "Other fields: type the value to use; leave blank to keep the source value.",
    ),
    "new_value": ("Nouvelle valeur", "New value"),
    "missing_title": ("Valeurs signifiant « manquant »", "Values meaning 'missing'"),
    "missing_help": (
        "Par champ, les valeurs à lire comme vides, séparées par des virgules (par exemple : "
        "inconnu, NC, 0000). Les cellules vides, « ? », « - » et « N/A » le sont déjà.",
        "Per field, the values to read as empty, comma-separated (e.g. unknown, NC, 0000). Empty "
        "cells, '?', '-' and 'N/A' already are.",
    ),
    "missing_markers": ("Valeurs manquantes", "Missing markers"),
    "constants_title": ("Valeurs constantes", "Constant values"),
    "constants_help": (
        "Une valeur pour toutes les lignes du fichier (par exemple le canal Téléphone pour un "
        "export de la téléphonie). Elle remplace la colonne source du champ, s'il en a une.",
        "One value for every row of the file (e.g. the channel Phone for a telephony export). It "
        "replaces the field's source column, if any.",
    ),
    "constant_value": ("Valeur pour toutes les lignes", "Value for every row"),
    "required_unmapped": (
        "Le champ obligatoire « {field} » n'est relié à aucune colonne : sans lui les lignes ne "
        "peuvent pas être retenues. Choisissez sa colonne dans le tableau de correspondance "
        "(colonnes les plus proches : {candidates}), ou donnez-lui une valeur constante.",
        "Required field '{field}' has no source column: without it no row can be used. Pick its "
        "column in the mapping table (closest columns: {candidates}), or give it a constant "
        "value.",
    ),
    "fields_unmapped": (
        "Champs non reliés à une colonne (laissés vides) : {fields}.",
        "Fields not mapped to a column (left blank): {fields}.",
    ),
    "no_row_used": (
        "Aucune ligne retenue dans « {file} » : ce fichier ne sera pas ajouté aux données.",
        "No row used in '{file}': this file will not be added to the data.",
    ),
    "confirm_no_rows": (
        "Aucune ligne ne serait retenue : corrigez la correspondance (colonnes, formats de date) "
        "avant d'utiliser ces données.",
        "No row would be used: fix the mapping (columns, date formats) before using this data.",
    ),
    "confirm_none_ok": (
        "Aucun fichier n'a pu être importé : corrigez les erreurs ci-dessus.",
        "No file could be imported: fix the errors above.",
    ),
    # --- refs ---
    "public_ref": ("Repère public :", "Public reference:"),
    "public_ref_col": ("Repère public", "Public reference"),
    "public_ref_help": (
        "Chiffre publié, montré à titre indicatif à côté de la cible : ni une cible, ni un "
        "jugement de la valeur. Les méthodes et les définitions des sources diffèrent.",
        "A published figure, shown for information beside the target: neither a target nor a "
        "judgement of the value. The sources' methods and definitions differ.",
    ),
    # --- periods ---
    "dash_compare": ("Comparer avec la période précédente", "Compare with the previous period"),
    "dash_grain_month": ("Mois", "Month"),
    "dash_grain_week": ("Semaine", "Week"),
    "dash_compare_help": (
        "Période en cours = le dernier mois (ou la dernière semaine, du lundi au dimanche) "
        "entièrement couvert par les données filtrées, comparé au précédent. Écart des taux et "
        "du NPS en points (intervalle de Newcombe construit sur l'intervalle de chaque période), "
        "des moyennes par Welch, des volumes en % (intervalle de Poisson du rapport).",
        "Current period = the last month (or week, Monday to Sunday) the filtered data cover "
        "entirely, compared with the one before. Rates and NPS change in points (Newcombe "
        "interval built on each period's interval), means by Welch, volumes in % (Poisson "
        "interval of the ratio).",
    ),
    "dash_alerts": ("Alertes", "Alerts"),
    "dash_no_alert": (
        "Aucune alerte : aucun indicateur hors d'une cible sourcée, aucune variation "
        "significative après correction.",
        "No alert: no KPI off a sourced target, no significant change after correction.",
    ),
    "dash_over": ("sur", "over"),
    "dash_p_holm": ("après correction de Holm, ", "after Holm's correction, "),
    "dash_decomposition": (
        "Décomposition mix / performance des variations",
        "Mix / performance decomposition of the changes",
    ),
    "dash_decomposition_help": (
        "Décomposition symétrique (Kitagawa) sur les cellules motif × canal × niveau (plus "
        "grossières si elles sont trop petites ; les cellules de moins de 30 contacts sur une "
        "période sont regroupées dans « autres ») : effet mix = Σ (part en cours − part "
        "précédente) × moyenne des deux valeurs de la cellule ; effet performance = Σ (valeur en "
        "cours − valeur précédente) × moyenne des deux parts. Les deux effets font exactement la "
        "variation totale. Les cinq cellules qui y contribuent le plus par indicateur.",
        "Symmetric (Kitagawa) decomposition over the motif × channel × level cells (coarser when "
        "they are too small; cells under 30 contacts in a period pooled in 'others'): mix effect "
        "= Σ (current share − previous share) × mean of the cell's two values; performance "
        "effect = Σ (current value − previous value) × mean of the two shares. The two effects "
        "add up exactly to the total change. The five cells contributing most, per KPI.",
    ),
    # --- events ---
    "collapse_events": ("Regrouper par ticket", "Group by ticket"),
    "collapse_events_help": (
        "Ce fichier compte plusieurs lignes par ticket (une par changement d'état). Regroupé, "
        "chaque ticket compte une fois : création = premier événement, résolution = premier "
        "passage à un état résolu, réouvertures et réaffectations comptées.",
        "This file has several rows per ticket (one per state change). Grouped, each ticket "
        "counts once: created = first event, resolved = first move to a resolved state, "
        "reopenings and reassignments counted.",
    ),
    # --- french ---
    # result columns that ui.render.screen_table shows (column_label: "col_" + id)
    "col_declared": ("FCR déclaré", "Declared FCR"),
    "col_measured": ("FCR mesuré", "Measured FCR"),
    "col_measure": ("Mesure", "Measure"),
    "col_gap": ("Écart (points)", "Gap (points)"),
    "col_dominated_by": ("Fait moins bien que", "Dominated by"),
    "col_effect": ("Effet (en écarts types)", "Effect (in SDs)"),
    "col_meets": ("Seuil atteint", "Threshold met"),
    "col_reference": ("Référence", "Reference"),
    "col_sd": ("Écart type", "Standard deviation"),
    "col_std": ("Écart type", "Standard deviation"),
    "col_mean": ("Moyenne", "Mean"),
    "col_threshold_label": ("Libellé du seuil", "Threshold label"),
    "col_label": ("Libellé", "Label"),
    "col_flag": ("Signalé", "Flagged"),
    "col_rest": ("Autres segments", "Other segments"),
    "col_ratio": ("Rapport", "Ratio"),
    "col_ratio_low": ("Rapport : IC bas", "Ratio: CI low"),
    "col_ratio_high": ("Rapport : IC haut", "Ratio: CI high"),
    "col_per_week": ("Par semaine", "Per week"),
    "col_population": ("Population", "Population"),
    "col_target_source": ("Source de la cible", "Target source"),
    "col_x_value": ("X : valeur", "X: value"),
    "col_x_ci_low": ("X : IC bas", "X: CI low"),
    "col_x_ci_high": ("X : IC haut", "X: CI high"),
    "col_y_value": ("Y : valeur", "Y: value"),
    "col_y_ci_low": ("Y : IC bas", "Y: CI low"),
    "col_y_ci_high": ("Y : IC haut", "Y: CI high"),
    "col_low_sample": ("Échantillon insuffisant", "Sample too small"),
    "col_median_ci_low": ("Médiane : IC bas", "Median: CI low"),
    "col_median_ci_high": ("Médiane : IC haut", "Median: CI high"),
    "col_id": ("Identifiant", "Id"),
    "col_name": ("Nom", "Name"),
    # cell values of result columns ("val_" + column + "_" + value)
    "val_measure_declared": ("déclaré", "declared"),
    "val_measure_measured": ("mesuré", "measured"),
    "val_measure_survey": ("enquête", "survey"),
    # units (glossary, targets)
    "unit_%": ("%", "%"),
    "unit_count": ("nombre", "count"),
    "unit_currency": ("€", "€"),
    "unit_per_agent": ("par conseiller", "per agent"),
    "unit_per_agent_day": ("par jour-agent", "per agent-day"),
    "unit_points": ("points", "points"),
    "unit_s": ("secondes", "seconds"),
    "unit_score": ("note", "score"),
    # parameters without a label in PARAM_LABELS, and the settings' options
    "param_items": ("Éléments comptés (tickets)", "Items counted (tickets)"),
    "param_at": ("Stock : à la date du", "Backlog: as of"),
    "param_agent_days_source": ("Jours-agents : source", "Agent-days: source"),
    "param_per": ("Productivité : par", "Productivity: per"),
    "choice_abandons_in_sl_counted": ("comptés au dénominateur", "counted in the denominator"),
    "choice_abandons_in_sl_excluded": ("écartés", "excluded"),
    "choice_conversion_denominator_known": (
        "contacts à la conversion connue",
        "contacts with a known outcome",
    ),
    "choice_conversion_denominator_answered": ("contacts décrochés", "answered contacts"),
    "choice_cost_base_contacts": ("tous les contacts", "all contacts"),
    "choice_cost_base_handled": ("contacts traités", "handled contacts"),
    "choice_auto": ("automatique", "automatic"),
    "choice_agent_days_source_hours": (
        "table des heures (jours travaillés)",
        "hours table (days worked)",
    ),
    "choice_agent_days_source_contacts": (
        "contacts (jours avec un contact traité)",
        "contacts (days with a handled contact)",
    ),
    "choice_per_day": ("par jour-agent", "per agent-day"),
    "choice_per_hour": ("par heure travaillée", "per worked hour"),
    "choice_items_all": ("toutes les lignes", "every row"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    "kpi_id": ("Identifiant (ligne de commande)", "Id (command line)"),
    "variants": ("Variantes", "Variants"),
    "comment_lang": ("Langue des commentaires", "Comment language"),
    "lang_name_fr": ("français", "French"),
    "lang_name_en": ("anglais", "English"),
    # the KPIs' target notes in French (kpis.definitions states them in English)
    "target_note_csat_mean": (
        "Sur une échelle 1–5 ; ramenée à l'échelle détectée de l'enquête.",
        "On a 1–5 scale; rescaled to the survey's detected scale.",
    ),
    "target_note_ces": (
        "Sur 1–5, note haute = plus d'effort (ramenée à 1–7) ; inverser le sens quand une "
        "note haute = moins d'effort.",
        "On 1–5 with high = more effort (rescaled to 1–7); flip direction when high = less effort.",
    ),
    "target_note_transfer_rate": (
        "Une valeur haute n'est pas un problème en soi.",
        "A high value is not a problem in itself.",
    ),
    "target_note_motifs": (
        "À surveiller quand un motif porte plus de ~20 % du volume.",
        "Watch when one motif carries more than ~20 % of the volume.",
    ),
    "target_note_offered": (
        "Volume indicatif : saisissez votre prévision.",
        "Placeholder volume: set your forecast.",
    ),
    "target_note_handled": (
        "Volume indicatif : saisissez votre prévision.",
        "Placeholder volume: set your forecast.",
    ),
    "target_note_abandoned": (
        "Valeur indicative : environ 5 % du volume prévu.",
        "Placeholder: about 5 % of the forecast volume.",
    ),
    "target_note_volume": (
        "Volume indicatif : saisissez votre prévision.",
        "Placeholder volume: set your forecast.",
    ),
    "target_note_dmc": (
        "À comparer à motif égal : elle dépend du type de question.",
        "Compare within a motif: it depends on the question type.",
    ),
    "target_note_dmt": (
        "Indicateur discuté : à comparer à motif égal.",
        "Debated KPI: compare within a motif.",
    ),
    "target_note_cost_per_contact": (
        "Valeur indicative, dans votre devise.",
        "Placeholder in your currency.",
    ),
    "target_note_backlog": (
        "Valeur indicative : environ une journée de volume.",
        "Placeholder: about one day of volume.",
    ),
    "target_note_agent_days": (
        "Valeur indicative : 20 conseillers × 22 jours par mois.",
        "Placeholder: 20 agents × 22 days a month.",
    ),
    "target_note_productivity": (
        "Dépend du canal : appels, e-mails et chats diffèrent.",
        "Depends on the channel: calls, emails and chats differ.",
    ),
    "target_note_attrition": (
        "Par mois ; environ 30 % par an est courant en centre de contacts.",
        "Per month; about 30 % a year is common in contact centres.",
    ),
    # --- charts ---
    "filters_active": ("Filtres actifs : {filters}", "Active filters: {filters}"),
    "top_n": ("Catégories affichées", "Categories shown"),
    "intraday_title": ("Heures et créneaux", "Hours and slots"),
    "intraday_measure": ("Mesure", "Measure"),
    "intraday_layout": ("Vue", "View"),
    "intraday_week": ("Heure × jour de la semaine", "Hour × weekday"),
    "intraday_intraday": ("Créneaux de la journée", "Slots of the day"),
    "intraday_slot": ("Créneau", "Slot"),
    "intraday_table": ("Tableau par case", "Table by cell"),
    "intraday_mixed": (
        "Ces fichiers de contacts ne portent que des dates, sans heure : leurs contacts sont "
        "comptés à 00 h. {files}",
        "These contact files carry dates only, no time of day: their contacts fall at 00:00. "
        "{files}",
    ),
    # --- deck ---
    "nb_pseudo_agents": (
        "Remplacer les noms des conseillers par « Conseiller 01 »… dans les livrables",
        "Replace agent names with “Agent 01”… in the deliverables",
    ),
    # --- labels ---
    "help_opening_hours": (
        "Jours (lun, mar, mer, jeu, ven, sam, dim) et plages horaires, séparés par « ; », "
        "ex. « lun-ven 08:00-19:00 ; sam 09:00-12:00 ».",
        "Days (mon, tue, wed, thu, fri, sat, sun) and time ranges, separated by ';', "
        "e.g. 'mon-fri 08:00-19:00; sat 09:00-12:00'.",
    ),
    "help_sla_hours": (
        "Délai de traitement visé (SLA), en heures.",
        "Target handling time (SLA), in hours.",
    ),
    "help_telephony_channels": (
        "Canaux comptés comme appels en file (entrants présentés) : ajoutez « Chat » pour "
        "étendre les indicateurs de téléphonie aux autres canaux synchrones en file.",
        "Channels counted as queued calls (inbound presented): add 'Chat' to extend the "
        "telephony KPIs to other queued synchronous channels.",
    ),
    "col_dispersion": ("Dispersion (φ)", "Dispersion (φ)"),
    "help_per": (
        "Productivité par jour-agent ou par heure travaillée.",
        "Productivity per agent-day or per worked hour.",
    ),
    "help_agent_days_source": (
        "D'où viennent les jours-agents : automatique, la table des heures (jours travaillés) "
        "ou les contacts (jours avec un contact traité).",
        "Where agent-days come from: automatic, the hours table (days worked) or the contacts "
        "(days with a handled contact).",
    ),
    "help_cost_base": (
        "Le coût par contact divise les coûts par tous les contacts ou par les contacts "
        "traités (décrochés).",
        "Cost per contact divides the costs by all contacts or by the handled (answered) ones.",
    ),
    # --- evidence --- (the columns of the findings' evidence tables)
    "col_fit": ("Tendance ajustée", "Fitted trend"),
    "col_fcr": ("FCR déclaré", "Declared FCR"),
    "col_slot": ("Créneau", "Slot"),
    "col_calls_per_day": ("Appels par jour", "Calls per day"),
    "col_aht_s": ("DMT (s)", "AHT (s)"),
    "col_agents_needed": ("Conseillers nécessaires (Erlang C)", "Agents needed (Erlang C)"),
    "col_agents_seen": ("Conseillers observés", "Agents seen"),
    "col_service_level": ("Niveau de service", "Service level"),
    "col_deficit": ("Manque de conseillers", "Agent shortfall"),
    "col_date": ("Date", "Date"),
    "col_before": ("Avant", "Before"),
    "col_after": ("Après", "After"),
    "col_n_before": ("n avant", "n before"),
    "col_n_after": ("n après", "n after"),
    "col_others_before": ("Autres avant", "Others before"),
    "col_others_after": ("Autres après", "Others after"),
    "col_did": ("Différence de différences", "Difference in differences"),
    "col_absence": ("Absentéisme", "Absenteeism"),
    "col_agents": ("Conseillers", "Agents"),
    "col_avoidable_low": ("Évitables, IC bas", "Avoidable, CI low"),
    "col_churn": ("Attrition clients", "Customer churn"),
    "col_churn_others": ("Attrition, autres mois", "Churn, other months"),
    "col_contacts": ("Contacts", "Contacts"),
    "col_cost_per_contact": ("Coût par contact", "Cost per contact"),
    "col_cost_share": ("Part du coût", "Share of cost"),
    "col_cost_share_low": ("Part du coût, IC bas", "Share of cost, CI low"),
    "col_csat": ("CSAT", "CSAT"),
    "col_csat_others": ("CSAT des autres", "CSAT of the others"),
    "col_customers": ("Clients", "Customers"),
    "col_demands": ("Demandes", "Demands"),
    "col_diff_low": ("Écart, IC bas", "Gap, CI low"),
    "col_diff_high": ("Écart, IC haut", "Gap, CI high"),
    "col_dmt_ratio": ("DMT ÷ pairs", "AHT ÷ peers"),
    "col_driver": ("Source d'effort", "Effort driver"),
    "col_field": ("Champ", "Field"),
    "col_fires": ("Retenu", "Flagged"),
    "col_gap_low": ("Écart, IC bas", "Gap, CI low"),
    "col_gap_high": ("Écart, IC haut", "Gap, CI high"),
    "col_label_fr": ("Libellé", "Label (French)"),
    "col_label_en": ("Libellé (anglais)", "Label"),
    "col_load": ("Charge (contacts par heure planifiée)", "Load (contacts per planned hour)"),
    "col_load_median": ("Charge médiane", "Median load"),
    "col_n_dmt": ("n (DMT)", "n (AHT)"),
    "col_n_nps": ("n (NPS)", "n (NPS)"),
    "col_n_recontact": ("n (recontact)", "n (recontact)"),
    "col_n_with": ("n avec", "n with"),
    "col_n_without": ("n sans", "n without"),
    "col_nps": ("NPS", "NPS"),
    "col_nps_gap_low": ("Écart de NPS, IC bas", "NPS gap, CI low"),
    "col_nps_gap_high": ("Écart de NPS, IC haut", "NPS gap, CI high"),
    "col_nps_others": ("NPS des autres", "NPS of the others"),
    "col_others": ("Autres", "Others"),
    "col_p_churn": ("p (attrition)", "p (churn)"),
    "col_p_churn_holm": ("p ajusté (attrition, Holm)", "adjusted p (churn, Holm)"),
    "col_p_dmt": ("p (DMT)", "p (AHT)"),
    "col_p_dmt_holm": ("p ajusté (DMT, Holm)", "adjusted p (AHT, Holm)"),
    "col_p_nps": ("p (NPS)", "p (NPS)"),
    "col_p_nps_holm": ("p ajusté (NPS, Holm)", "adjusted p (NPS, Holm)"),
    "col_p_recontact": ("p (recontact)", "p (recontact)"),
    "col_p_rec_holm": ("p ajusté (recontact, Holm)", "adjusted p (recontact, Holm)"),
    "col_per_demand": ("Contacts par demande", "Contacts per demand"),
    "col_rec_ratio": ("Recontact ÷ pairs", "Recontact ÷ peers"),
    "col_recontact_others": ("Recontact des pairs", "Peers' recontact"),
    "col_rise": ("Hausse", "Rise"),
    "col_rise_low": ("Hausse, IC bas", "Rise, CI low"),
    "col_rise_high": ("Hausse, IC haut", "Rise, CI high"),
    "col_with": ("Avec", "With"),
    "col_without": ("Sans", "Without"),
    # --- pareto ---
    # evidence tables of the rules the demo now shows (cross-analyses' findings panels)
    "col_presented": ("Présentés", "Presented"),
    "col_unknown": ("Sans issue connue", "Outcome unknown"),
    "col_unknown_pct": ("Sans issue connue (%)", "Outcome unknown (%)"),
    "col_selfcare_pct": ("Redirigés selfcare (%)", "Redirected to self-care (%)"),
    "val_score_csat_score": ("Note CSAT", "CSAT score"),
    "val_score_nps_score": ("Note NPS", "NPS score"),
    "val_score_ces_score": ("Note d'effort (CES)", "Effort score (CES)"),
    # --- bigbase ---
    "nav_bigbase": ("Grande base", "Large base"),
    "bb_title": ("Grande base (DuckDB, entrepôt)", "Large base (DuckDB, warehouse)"),
    "bb_intro": (
        "Les indicateurs calculés là où sont les données (base DuckDB écrite par « pilote load », "
        "ou entrepôt), sans charger les lignes en mémoire : seuls les totaux reviennent. Les "
        "autres pages calculent sur les fichiers importés.",
        "KPIs computed where the data lives (a DuckDB base written by 'pilote load', or a "
        "warehouse) without loading the rows into memory: only the totals come back. The other "
        "pages compute on the imported files.",
    ),
    "bb_sidebar_note": (
        "Les filtres et la période de la barre latérale s'appliquent ici comme sur les autres "
        "pages ; sans fichier importé, les valeurs proposées sont lues dans la base.",
        "The sidebar's filters and period apply here as on the other pages; with no imported "
        "file, the values offered are read from the base.",
    ),
    "bb_source": ("Source des données", "Data source"),
    "bb_kind_files": ("fichiers importés", "imported files"),
    "bb_kind_duckdb": ("base DuckDB", "DuckDB base"),
    "bb_kind_connection": ("connexion (entrepôt)", "connection (warehouse)"),
    "bb_files_info": (
        "Les fichiers importés sont calculés en mémoire par les autres pages (Import, Tableau de "
        "bord, Explorer…). Choisissez une base DuckDB ou une connexion pour un gros volume.",
        "Imported files are computed in memory by the other pages (Import, Dashboard, "
        "Explorer…). Pick a DuckDB base or a connection for a large volume.",
    ),
    "bb_path": ("Chemin du fichier DuckDB", "DuckDB file path"),
    "bb_path_help": (
        "Le chemin du fichier sur la machine qui fait tourner Pilote (par exemple "
        "/donnees/pilote.duckdb), écrit par « pilote load EXPORT --db FICHIER.duckdb ». Un "
        "sélecteur de fichier n'est pas possible ici : le navigateur envoie le contenu d'un "
        "fichier, jamais son chemin, et la base est lue sur place sans être copiée.",
        "The file's path on the machine running Pilote (e.g. /data/pilote.duckdb), written by "
        "'pilote load EXPORT --db FILE.duckdb'. A file picker is not possible here: a browser "
        "sends a file's content, never its path, and the base is read in place, not copied.",
    ),
    "bb_env": ("Variable d'environnement de la connexion", "Connection environment variable"),
    "bb_env_help": (
        "Indiquez env:NOM, où la variable NOM contient la chaîne de connexion Ibis (par exemple "
        "postgres://…) ; définissez-la avant de lancer Pilote.",
        "Give env:NAME, where the variable NAME holds the Ibis connection string (e.g. "
        "postgres://…); set it before starting Pilote.",
    ),
    "bb_env_note": (
        "La chaîne de connexion reste dans la variable d'environnement : elle n'est jamais saisie "
        "ici, jamais affichée, et l'espace de travail n'enregistre que la référence env:NOM.",
        "The connection string stays in the environment variable: it is never typed here, never "
        "shown, and the workspace saves only the env:NAME reference.",
    ),
    "bb_missing_file": (
        "base DuckDB introuvable : « {path} ». Vérifiez le chemin, ou chargez d'abord l'export "
        "(pilote load).",
        "DuckDB base not found: '{path}'. Check the path, or load the export first (pilote load).",
    ),
    "bb_tables": ("Tables trouvées", "Tables found"),
    "bb_table": ("Table", "Table"),
    "bb_rows": ("Lignes", "Rows"),
    "bb_load": ("Chargement (pilote load)", "Load (pilote load)"),
    "bb_file": ("Fichier", "File"),
    "bb_rows_in": ("Lignes lues", "Rows read"),
    "bb_rows_used": ("Utilisées", "Used"),
    "bb_rows_aside": ("Écartées", "Set aside"),
    "bb_no_aside": ("Aucune ligne écartée au chargement.", "No row set aside at loading."),
    "bb_reason": ("Raison de l'écart", "Reason set aside"),
    "bb_aside_note": (
        "Lignes écartées ({table}) : les {shown} premières sur {total} au total dans le fichier "
        "à télécharger.",
        "Rows set aside ({table}): the first {shown} of {total} in all in the download.",
    ),
    "bb_aside_download": ("Télécharger les lignes écartées (CSV)", "Download rows set aside (CSV)"),
    "bb_compute": ("Calcul des indicateurs", "KPI computation"),
    "bb_segments": ("Segments (deux au plus)", "Segments (two at most)"),
    "bb_period_none": ("aucune", "none"),
    "bb_run": ("Calculer", "Compute"),
    "bb_value": ("Valeur", "Value"),
    "bb_num": ("Numérateur", "Numerator"),
    "bb_den": ("Dénominateur", "Denominator"),
    "bb_ci": ("IC 95 %", "95% CI"),
    "bb_population": ("Population", "Population"),
    "bb_status": ("Statut", "Status"),
    "bb_note": ("Remarque", "Note"),
    # --- page ---
    "bb_kind_spark": ("Spark (local)", "Spark (local)"),
    "bb_spark_note": (
        "Une session Spark locale sur cette machine (Java) : elle lit les tables canoniques "
        "(contacts, enquêtes…) de son catalogue. Spark démarre au premier choix (une vingtaine "
        "de secondes).",
        "A local Spark session on this machine (Java): it reads the canonical tables (contacts, "
        "surveys…) of its catalogue. Spark starts when first chosen (about twenty seconds).",
    ),
    "bb_stale": (
        "Les choix ou les filtres ont changé depuis le dernier calcul : cliquez sur « Calculer ».",
        "The choices or filters changed since the last computation: click 'Compute'.",
    ),
    "bb_download": ("Télécharger le résultat (CSV)", "Download the result (CSV)"),
    "bb_spark_start": ("Démarrage de Spark…", "Starting Spark…"),
    "bb_spark_empty": (
        "La session Spark locale ne contient aucune table de Pilote (contacts, enquêtes, "
        "évaluations…) : Spark lit les tables déclarées dans son catalogue. Pour un export "
        "volumineux, chargez-le dans une base DuckDB (pilote load) et choisissez « base DuckDB ».",
        "The local Spark session holds no Pilote table (contacts, surveys, evaluations…): Spark "
        "reads the tables declared in its catalogue. For a large export, load it into a DuckDB "
        "base (pilote load) and choose 'DuckDB base'.",
    ),
}

PARAM_LABELS: dict[str, tuple[str, str]] = {
    "opening_hours": ("Heures d'ouverture", "Opening hours"),
    "window_days": ("Fenêtre de recontact (jours)", "Recontact window (days)"),
    "same_motif": ("« Même problème » = même motif", "'Same problem' = same motif"),
    "exclude_censored": ("Écarter les fenêtres incomplètes", "Leave out incomplete windows"),
    "sla_hours": ("SLA de résolution (heures)", "Resolution SLA (hours)"),
    "sl_seconds": ("Niveau de service : seuil (s)", "Service level: threshold (s)"),
    "short_abandon_s": ("Abandons courts : seuil (s)", "Short abandons: threshold (s)"),
    "abandons_in_sl": ("Abandons dans le niveau de service", "Abandons in the service level"),
    "level1_only": ("Transferts : niveau 1 seulement", "Transfers: level 1 only"),
    "level1_label": ("Valeur du niveau 1", "Level-1 value"),
    "conversion_denominator": ("Conversion : dénominateur", "Conversion: denominator"),
    "cost_base": ("Coût par contact : base", "Cost per contact: base"),
    "csat_scale": ("Échelle CSAT", "CSAT scale"),
    "csat_top_box": ("CSAT : note minimale « satisfait »", "CSAT: lowest satisfied score"),
    "ces_scale": ("Échelle CES", "CES scale"),
    "ces_high_is_effort": (
        "CES : une note haute = plus d'effort",
        "CES: a high score = more effort",
    ),
    "ces_low_effort_boxes": ("CES : cases « effort faible »", "CES: low-effort boxes"),
    "min_n": ("Échantillon minimal (n)", "Minimum sample (n)"),
    "avoidable_motifs": ("Motifs évitables", "Avoidable motifs"),
    "selfcare_canals": ("Canaux selfcare", "Self-care channels"),
    "telephony_channels": ("Canaux comptés comme appels", "Channels counted as calls"),
    "call_canals": ("Canaux « appels »", "Call channels"),
    "written_canals": ("Canaux « écrits »", "Written channels"),
}


# Table headers: result columns (kpis.views) in French and English; canonical fields (motif,
# canal…) take their schema label (ui.state.field_label).
COLUMNS: dict[str, tuple[str, str]] = {
    "kpi": ("Indicateur", "KPI"),
    "indicateur": ("Indicateur", "KPI"),
    "value": ("Valeur", "Value"),
    "ci_low": ("IC 95 % bas", "95% CI low"),
    "ci_high": ("IC 95 % haut", "95% CI high"),
    "n": ("n", "n"),
    "unit": ("Unité", "Unit"),
    "status": ("Statut", "Status"),
    "detail": ("Détail (moteur)", "Detail (engine)"),
    "target": ("Cible", "Target"),
    "needs": ("Nécessite", "Needs"),
    "segment": ("Segment", "Segment"),
    "period": ("Période", "Period"),
    "item": ("Item", "Item"),
    "low_threshold": ("Seuil « faible » (% du max)", "Low threshold (% of max)"),
    "pct": ("% du max", "% of max"),
    "low": ("Faible", "Low"),
    "below_target": ("Sous la cible", "Below target"),
    "term": ("Terme", "Term"),
    "docs": ("Commentaires", "Comments"),
    "share": ("Part (%)", "Share (%)"),
    "detractors": ("Détracteurs", "Detractors"),
    "promoters": ("Promoteurs", "Promoters"),
    "det_share": ("% détracteurs", "% detractors"),
    "pro_share": ("% promoteurs", "% promoters"),
    "log_odds": ("Log odds ratio", "Log odds ratio"),
    "z": ("z", "z"),
    "over": ("Sur-représenté", "Over-represented"),
    "weekday": ("Jour (0 = lundi)", "Day (0 = Monday)"),
    "hour": ("Heure", "Hour"),
    "abandoned": ("Abandons", "Abandoned"),
    "abandon_rate": ("Taux d'abandon", "Abandon rate"),
    "wait_s": ("Attente moyenne", "Mean wait"),
    "volume": ("Volume", "Volume"),
    "recontact": ("Taux de recontact", "Recontact rate"),
    "lag": ("Décalage (semaines)", "Lag (weeks)"),
    "r": ("Corrélation r", "Correlation r"),
    "p": ("p", "p"),
    "m": ("Semaines", "Weeks"),
    "q1": ("1er quartile", "1st quartile"),
    "median": ("Médiane", "Median"),
    "q3": ("3e quartile", "3rd quartile"),
    "transfers": ("Transferts", "Transfers"),
    "cum_share": ("Part cumulée (%)", "Cumulative share (%)"),
    "avoidable": ("Évitable", "Avoidable"),
    "ho": ("Aux heures d'ouverture", "In opening hours"),
    "hno": ("Hors heures d'ouverture", "Out of hours"),
    "x_n": ("n (X)", "n (X)"),
    "y_n": ("n (Y)", "n (Y)"),
    "std_value": ("Ajusté mix", "Mix-adjusted"),
    "std_ci_low": ("Ajusté : IC bas", "Adjusted: CI low"),
    "std_ci_high": ("Ajusté : IC haut", "Adjusted: CI high"),
    "coverage": ("Couverture du mix (%)", "Mix coverage (%)"),
    "pooled": ("Valeur commune", "Pooled value"),
    "std_diff": ("Écart ajusté à la valeur commune", "Adjusted gap to pooled"),
    "std_p_adj": ("p ajusté", "adjusted p"),
    "std_significant": ("Significatif", "Significant"),
    "diff": ("Écart", "Difference"),
    "se": ("Erreur type", "Standard error"),
    "p_adj": ("p ajusté", "adjusted p"),
    "p_holm": ("p (Holm)", "p (Holm)"),
    "significant": ("Significatif", "Significant"),
    "provider_a": ("Prestataire A", "Provider A"),
    "provider_b": ("Prestataire B", "Provider B"),
    "basis": ("Base", "Basis"),
    "rank": ("Rang", "Rank"),
    "score": ("Score", "Score"),
    "score_ci_low": ("Score : IC bas", "Score: CI low"),
    "score_ci_high": ("Score : IC haut", "Score: CI high"),
    "p_first": ("P(1er) %", "P(1st) %"),
    "mean_rank": ("Rang moyen", "Mean rank"),
    "rank_low": ("Rang min (95 %)", "Best rank (95%)"),
    "rank_high": ("Rang max (95 %)", "Worst rank (95%)"),
    "thresholds_met": ("Seuils atteints", "Thresholds met"),
    "kpis_scored": ("Indicateurs notés", "KPIs scored"),
    "subscore": ("Sous-score", "Sub-score"),
    "weight": ("Poids", "Weight"),
    "threshold": ("Seuil", "Threshold"),
    "into": ("Regroupées dans", "Merged into"),
    "cells": ("Cellules", "Cells"),
    "short_providers": ("Trop petites chez", "Too small for"),
    "rule": ("Règle", "Rule"),
    "severity": ("Gravité", "Severity"),
    "kind": ("Type", "Kind"),
    "constat": ("Constat", "Finding"),
    "finding": ("Constat", "Finding"),
    "numerator": ("Numérateur", "Numerator"),
    "denominator": ("Dénominateur", "Denominator"),
}
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "ok": ("ok", "ok"),
    "low_sample": ("échantillon insuffisant", "sample too small"),
    "no_data": ("pas de donnée", "no data"),
    "not_computable": ("non calculable", "not computable"),
}


def column_label(col: str, lang: str = "fr") -> str | None:
    """A result column's header in ``lang`` (None when the column is not a known one): the
    result columns, then the period inputs' fields (``kpis.labels``)."""
    from kpis.labels import EXTRA_FIELDS

    pair = COLUMNS.get(col) or STRINGS.get("col_" + col) or EXTRA_FIELDS.get(col)
    return None if pair is None else pair[0 if lang == "fr" else 1]


def param_label(name: str, lang: str = "fr") -> str:
    pair = PARAM_LABELS.get(name) or STRINGS.get("param_" + name)
    return name if pair is None else pair[0 if lang == "fr" else 1]


def choice_label(param: str, value, lang: str = "fr") -> str:
    """A settings option in words ("counted" → "comptés au dénominateur"); else the value."""
    pair = STRINGS.get(f"choice_{param}_{value}") or STRINGS.get(f"choice_{value}")
    return str(value) if pair is None else pair[0 if lang == "fr" else 1]


def unit_label(unit: str, lang: str = "fr") -> str:
    return t("unit_" + unit, lang) if "unit_" + unit in STRINGS else unit


def value_label(col: str, value, lang: str = "fr") -> str | None:
    """A result cell's word in ``lang`` ("declared" under "measure" → "déclaré"), else None."""
    pair = STRINGS.get(f"val_{col}_{value}")
    return None if pair is None else pair[0 if lang == "fr" else 1]


GROUP_KEYS = {
    "voice_of_customer": "voice_of_customer",
    "resolution": "resolution",
    "telephony": "telephony_group",
    "quality": "quality",
    "people": "people",
    "business": "business",
}


def t(key: str, lang: str = "fr", **kwargs) -> str:
    """The UI string ``key`` in ``lang`` (fr/en), formatted with ``kwargs``."""
    pair = STRINGS.get(key)
    text = key if pair is None else (pair[0] if lang == "fr" else pair[1])
    return text.format(**kwargs) if kwargs else text


def group_label(group: str, lang: str = "fr") -> str:
    return t(GROUP_KEYS.get(group, group), lang)
