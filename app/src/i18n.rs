//! Every word of the interface, in English and French. A struct rather than
//! string keys, so a missing translation is a compile error.

use crate::domain::Lang;

pub struct Texts {
    pub app_name: &'static str,
    pub language: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub my_profile: &'static str,
    pub dashboard: &'static str,
    pub account_menu: &'static str,

    pub sign_in_title: &'static str,
    pub work_account_intro: &'static str,
    pub work_account_not_personal: &'static str,
    pub email_address: &'static str,
    pub password: &'static str,
    pub no_invitation_link: &'static str,

    pub resend_title: &'static str,
    pub resend_intro: &'static str,
    pub agreement_number: &'static str,
    pub purchasing_account_number: &'static str,
    pub submit: &'static str,
    pub resend_done: &'static str,
    pub resend_spam_note: &'static str,
    pub back_to_sign_in: &'static str,

    pub create_account_title: &'static str,
    pub not_you: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub create_password: &'static str,
    pub confirm_password: &'static str,
    pub country_region: &'static str,
    pub country_missing: &'static str,
    pub country_missing_help: &'static str,
    pub terms_before: &'static str,
    pub terms_after: &'static str,
    pub start: &'static str,
    pub password_rules_title: &'static str,
    pub rule_length: &'static str,
    pub rule_variety: &'static str,
    pub invitation_for_agreement: &'static str,
    pub invitation_expires_on: &'static str,

    pub expired_title: &'static str,
    pub expired_body: &'static str,
    pub used_title: &'static str,
    pub used_body: &'static str,
    pub superseded_title: &'static str,
    pub superseded_body: &'static str,
    pub revoked_title: &'static str,
    pub revoked_body: &'static str,
    pub unknown_title: &'static str,
    pub unknown_body: &'static str,
    pub request_new_invitation: &'static str,

    pub welcome: &'static str,
    pub organization: &'static str,
    pub agreements: &'static str,
    pub purchasing_account: &'static str,
    pub account_administrator: &'static str,
    pub your_areas: &'static str,
    pub area_agreements: &'static str,
    pub area_orders: &'static str,
    pub area_licenses: &'static str,
    pub area_keys: &'static str,
    pub area_downloads: &'static str,
    pub area_reports: &'static str,
    pub area_provisioning: &'static str,
    pub area_users: &'static str,
    pub no_areas: &'static str,

    pub manage_access: &'static str,
    pub manage_users: &'static str,
    pub invite_user: &'static str,
    pub invite: &'static str,
    pub invite_another: &'static str,
    pub role: &'static str,
    pub select: &'static str,
    pub add_role: &'static str,
    pub cancel: &'static str,
    pub invitation_sent_to: &'static str,
    pub invitation_resent_to: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub pending_invitations: &'static str,
    pub users: &'static str,
    pub status: &'static str,
    pub expires: &'static str,
    pub actions: &'static str,
    pub resend: &'static str,
    pub fix_address: &'static str,
    pub revoke: &'static str,
    pub edit_roles: &'static str,
    pub save: &'static str,
    pub remove: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub nobody_found: &'static str,
    pub bulk_invite: &'static str,
    pub bulk_help: &'static str,
    pub bulk_file: &'static str,
    pub bulk_progress: &'static str,
    pub line: &'static str,
    pub result: &'static str,
    pub outcome_invited: &'static str,
    pub outcome_resent: &'static str,
    pub outcome_already_user: &'static str,
    pub outcome_refused: &'static str,
    pub audit_log: &'static str,
    pub audit_when: &'static str,
    pub audit_who: &'static str,
    pub audit_what: &'static str,
    pub audit_whom: &'static str,
    pub audit_detail: &'static str,
    pub audit_from: &'static str,
    pub older: &'static str,
    pub done: &'static str,
    pub agreement_type: &'static str,
    pub start_date: &'static str,
    pub end_date: &'static str,
    pub agreement_active: &'static str,
    pub agreement_inactive: &'static str,
    pub purchase_order: &'static str,
    pub contact_name: &'static str,
    pub contact_email: &'static str,
    pub edit_details: &'static str,
    pub saved: &'static str,
    pub order_number: &'static str,
    pub order_date: &'static str,
    pub products: &'static str,
    pub amount: &'static str,
    pub date_from: &'static str,
    pub date_to: &'static str,
    pub product: &'static str,
    pub any: &'static str,
    pub filter: &'static str,
    pub no_orders: &'static str,
    pub quantity: &'static str,
    pub see_orders: &'static str,
    pub no_licenses: &'static str,
    pub key: &'static str,
    pub show_key: &'static str,
    pub no_keys: &'static str,
    pub online_services: &'static str,
    pub ordered: &'static str,
    pub assigned: &'static str,
    pub available: &'static str,
    pub assign_subscriptions: &'static str,
    pub service_field: &'static str,
    pub quantity_field: &'static str,
    pub start_date_field: &'static str,
    pub assign: &'static str,
    pub assigned_notice: &'static str,
    pub subscriptions: &'static str,
    pub assigned_by: &'static str,
    pub no_services: &'static str,
    pub no_subscriptions: &'static str,
    pub no_downloads: &'static str,
    pub file: &'static str,
    pub size: &'static str,
    pub download: &'static str,
    pub report_license_summary: &'static str,
    pub report_license_summary_about: &'static str,
    pub report_orders_about: &'static str,
    pub report_keys_about: &'static str,
    pub export_csv: &'static str,

    pub name: &'static str,
    pub preferred_language: &'static str,
    pub roles: &'static str,
    pub roles_note: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_changed: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub loading: &'static str,
}

pub const EN: Texts = Texts {
    app_name: "Business Center",
    language: "Language",
    sign_in: "Sign in",
    sign_out: "Sign out",
    my_profile: "My profile",
    dashboard: "Dashboard",
    account_menu: "Account",

    sign_in_title: "Sign in with your work account",
    work_account_intro: "Use the work email address your organization gave you (your work account).",
    work_account_not_personal: "A work account is not a personal account such as one you use for Outlook.com, Xbox or a home PC: your organization manages it.",
    email_address: "EMAIL ADDRESS",
    password: "PASSWORD",
    no_invitation_link: "Didn't receive your invitation email? Click here.",

    resend_title: "Please enter your email address and account information",
    resend_intro: "Once we're sure this is you, we'll re-send your invitation to the Business Center.",
    agreement_number: "AGREEMENT NUMBER",
    purchasing_account_number: "PURCHASING ACCOUNT NUMBER",
    submit: "SUBMIT",
    resend_done: "If you are the designated Purchasing Account Administrator for this agreement, we have sent you a new invitation: check your inbox. Any earlier invitation link no longer works.",
    resend_spam_note: "No message? Check that your spam filter did not block it, or contact your partner.",
    back_to_sign_in: "Back to sign in",

    create_account_title: "Create your organizational account",
    not_you: "Not you? Contact your partner or support to change the email address.",
    first_name: "FIRST NAME",
    last_name: "LAST NAME",
    create_password: "Create password",
    confirm_password: "Confirm your password",
    country_region: "COUNTRY/REGION",
    country_missing: "Not seeing your country or region?",
    country_missing_help: "Choose the closest one and contact your partner or support: they can correct it.",
    terms_before: "By choosing",
    terms_after: ", you agree to the terms and conditions of the Business Center and understand that your name and email address will be visible to other people in your institution. Your organization's privacy policy applies to the data you enter.",
    start: "Start",
    password_rules_title: "Your password must:",
    rule_length: "have 12 to 128 characters",
    rule_variety: "mix at least three of: lowercase letters, capital letters, digits, symbols",
    invitation_for_agreement: "Agreement",
    invitation_expires_on: "This invitation expires on",

    expired_title: "This invitation has expired",
    expired_body: "Invitation links work for 60 days after they are sent. If you are the designated Purchasing Account Administrator, request a new invitation below; otherwise ask the person who invited you to send it again.",
    used_title: "This invitation has already been used",
    used_body: "An account was already created with this link. Sign in with your work account.",
    superseded_title: "This invitation link has been replaced",
    superseded_body: "A newer invitation was sent to the same address, so this link no longer works. Open the link in the most recent invitation email.",
    revoked_title: "This invitation was withdrawn",
    revoked_body: "Your administrator cancelled this invitation. Ask them to invite you again.",
    unknown_title: "We don't recognize this invitation link",
    unknown_body: "Check that you opened the whole link from the email. If it still does not work, request a new invitation or ask the person who invited you.",
    request_new_invitation: "Request a new invitation",

    welcome: "Welcome",
    organization: "Organization",
    agreements: "Agreements",
    purchasing_account: "Purchasing account",
    account_administrator: "Purchasing Account Administrator",
    your_areas: "What you can do",
    area_agreements: "Agreements",
    area_orders: "Orders",
    area_licenses: "License details",
    area_keys: "Product keys",
    area_downloads: "Software downloads",
    area_reports: "Reports",
    area_provisioning: "Self-service provisioning",
    area_users: "Manage access",
    no_areas: "Your roles do not open any area yet. Ask an administrator of your organization.",
    manage_access: "Manage access",
    manage_users: "Manage users",
    invite_user: "INVITE USER",
    invite: "INVITE",
    invite_another: "INVITE ANOTHER USER",
    role: "ROLE",
    select: "Select",
    add_role: "Add another role",
    cancel: "Cancel",
    invitation_sent_to: "Invitation sent to",
    invitation_resent_to: "A new invitation replaced the pending one for",
    search: "Search",
    search_hint: "Name or email",
    pending_invitations: "Invitations",
    users: "Users",
    status: "Status",
    expires: "Link expires",
    actions: "Actions",
    resend: "Resend",
    fix_address: "Fix address and resend",
    revoke: "Revoke",
    edit_roles: "Edit roles",
    save: "Save",
    remove: "Remove",
    next_page: "Next page",
    first_page: "First page",
    nobody_found: "Nobody matches.",
    bulk_invite: "Invite users from a CSV file",
    bulk_help: "One person per line: email, first name, last name, language (en or fr), country (such as US), roles (such as account_viewer|report_viewer). A first line naming the columns is skipped.",
    bulk_file: "CSV FILE",
    bulk_progress: "Rows processed",
    line: "Line",
    result: "Result",
    outcome_invited: "Invited",
    outcome_resent: "Invitation resent",
    outcome_already_user: "Already a user",
    outcome_refused: "Refused",
    audit_log: "Audit log",
    audit_when: "When",
    audit_who: "Who",
    audit_what: "What",
    audit_whom: "Whom",
    audit_detail: "Detail",
    audit_from: "From",
    older: "Older entries",
    done: "Done",
    agreement_type: "Type",
    start_date: "Start date",
    end_date: "End date",
    agreement_active: "Active",
    agreement_inactive: "Expired",
    purchase_order: "PURCHASE ORDER REFERENCE",
    contact_name: "CONTACT NAME",
    contact_email: "CONTACT EMAIL",
    edit_details: "Edit details",
    saved: "Saved.",
    order_number: "Order number",
    order_date: "Date",
    products: "Products",
    amount: "Amount",
    date_from: "FROM",
    date_to: "TO",
    product: "PRODUCT",
    any: "Any",
    filter: "Filter",
    no_orders: "No orders match.",
    quantity: "Quantity",
    see_orders: "See orders",
    no_licenses: "No licenses yet.",
    key: "Key",
    show_key: "Show key",
    no_keys: "No product keys yet.",
    online_services: "Online services",
    ordered: "Ordered",
    assigned: "Assigned",
    available: "Available",
    assign_subscriptions: "Assign subscriptions",
    service_field: "SERVICE",
    quantity_field: "QUANTITY",
    start_date_field: "START DATE",
    assign: "ASSIGN",
    assigned_notice: "The subscriptions were assigned.",
    subscriptions: "Subscriptions",
    assigned_by: "Assigned by",
    no_services: "No online services ordered yet.",
    no_subscriptions: "No subscriptions assigned yet.",
    no_downloads: "No software to download yet.",
    file: "File",
    size: "Size",
    download: "Download",
    report_license_summary: "License summary",
    report_license_summary_about: "Owned quantity per product, version and purchasing account.",
    report_orders_about: "Every order line, with its quantity and amount.",
    report_keys_about: "Every product key in full. Each export is recorded in the audit log.",
    export_csv: "Export CSV",

    name: "Name",
    preferred_language: "PREFERRED LANGUAGE",
    roles: "Roles",
    roles_note: "Roles are assigned by an administrator of your organization.",
    change_password: "Change password",
    current_password: "Current password",
    new_password: "New password",
    password_changed: "Your password was changed. Your other sessions were signed out.",

    not_found_title: "Page not found",
    not_found_body: "This page does not exist.",
    loading: "Loading…",
};

pub const FR: Texts = Texts {
    app_name: "Centre d'affaires",
    language: "Langue",
    sign_in: "Se connecter",
    sign_out: "Se déconnecter",
    my_profile: "Mon profil",
    dashboard: "Tableau de bord",
    account_menu: "Compte",

    sign_in_title: "Connectez-vous avec votre compte professionnel",
    work_account_intro: "Utilisez l'adresse e-mail professionnelle que votre organisation vous a donnée (votre compte professionnel).",
    work_account_not_personal: "Un compte professionnel n'est pas un compte personnel comme celui d'Outlook.com, de Xbox ou d'un PC personnel : c'est votre organisation qui le gère.",
    email_address: "ADRESSE E-MAIL",
    password: "MOT DE PASSE",
    no_invitation_link: "Vous n'avez pas reçu votre e-mail d'invitation ? Cliquez ici.",

    resend_title: "Saisissez votre adresse e-mail et les informations de votre compte",
    resend_intro: "Une fois votre identité confirmée, nous vous renverrons votre invitation au Centre d'affaires.",
    agreement_number: "NUMÉRO DE CONTRAT",
    purchasing_account_number: "NUMÉRO DU COMPTE D'ACHATS",
    submit: "ENVOYER",
    resend_done: "Si vous êtes l'Administrateur du compte d'achats désigné pour ce contrat, nous vous avons envoyé une nouvelle invitation : vérifiez votre boîte de réception. Tout lien d'invitation précédent ne fonctionne plus.",
    resend_spam_note: "Pas de message ? Vérifiez que votre filtre anti-spam ne l'a pas bloqué, ou contactez votre partenaire.",
    back_to_sign_in: "Retour à la connexion",

    create_account_title: "Créer votre compte d'organisation",
    not_you: "Ce n'est pas vous ? Contactez votre partenaire ou le support pour changer l'adresse e-mail.",
    first_name: "PRÉNOM",
    last_name: "NOM DE FAMILLE",
    create_password: "Créer un mot de passe",
    confirm_password: "Confirmer votre mot de passe",
    country_region: "PAYS/RÉGION",
    country_missing: "Vous ne voyez pas votre pays ou région ?",
    country_missing_help: "Choisissez le plus proche et contactez votre partenaire ou le support : ils pourront le corriger.",
    terms_before: "En choisissant",
    terms_after: ", vous acceptez les conditions générales du Centre d'affaires et comprenez que votre nom et votre adresse e-mail seront visibles par les autres personnes de votre organisation. La politique de confidentialité de votre organisation s'applique aux données que vous saisissez.",
    start: "Démarrer",
    password_rules_title: "Votre mot de passe doit :",
    rule_length: "comporter de 12 à 128 caractères",
    rule_variety: "combiner au moins trois types : minuscules, majuscules, chiffres, symboles",
    invitation_for_agreement: "Contrat",
    invitation_expires_on: "Cette invitation expire le",

    expired_title: "Cette invitation a expiré",
    expired_body: "Les liens d'invitation fonctionnent pendant 60 jours après leur envoi. Si vous êtes l'Administrateur du compte d'achats désigné, demandez une nouvelle invitation ci-dessous ; sinon, demandez à la personne qui vous a invité de la renvoyer.",
    used_title: "Cette invitation a déjà été utilisée",
    used_body: "Un compte a déjà été créé avec ce lien. Connectez-vous avec votre compte professionnel.",
    superseded_title: "Ce lien d'invitation a été remplacé",
    superseded_body: "Une invitation plus récente a été envoyée à la même adresse : ce lien ne fonctionne plus. Ouvrez le lien du dernier e-mail d'invitation.",
    revoked_title: "Cette invitation a été retirée",
    revoked_body: "Votre administrateur a annulé cette invitation. Demandez-lui de vous inviter à nouveau.",
    unknown_title: "Nous ne reconnaissons pas ce lien d'invitation",
    unknown_body: "Vérifiez que vous avez ouvert le lien complet de l'e-mail. S'il ne fonctionne toujours pas, demandez une nouvelle invitation ou contactez la personne qui vous a invité.",
    request_new_invitation: "Demander une nouvelle invitation",

    welcome: "Bienvenue",
    organization: "Organisation",
    agreements: "Contrats",
    purchasing_account: "Compte d'achats",
    account_administrator: "Administrateur du compte d'achats",
    your_areas: "Ce que vous pouvez faire",
    area_agreements: "Contrats",
    area_orders: "Commandes",
    area_licenses: "Détails des licences",
    area_keys: "Clés de produit",
    area_downloads: "Téléchargements de logiciels",
    area_reports: "Rapports",
    area_provisioning: "Approvisionnement en libre-service",
    area_users: "Gérer l'accès",
    no_areas: "Vos rôles n'ouvrent encore aucun espace. Demandez à un administrateur de votre organisation.",
    manage_access: "Gérer l'accès",
    manage_users: "Gérer les utilisateurs",
    invite_user: "INVITER UN UTILISATEUR",
    invite: "INVITER",
    invite_another: "INVITER UN AUTRE UTILISATEUR",
    role: "RÔLE",
    select: "Sélectionner",
    add_role: "Ajouter un autre rôle",
    cancel: "Annuler",
    invitation_sent_to: "Invitation envoyée à",
    invitation_resent_to: "Une nouvelle invitation a remplacé celle en attente pour",
    search: "Rechercher",
    search_hint: "Nom ou e-mail",
    pending_invitations: "Invitations",
    users: "Utilisateurs",
    status: "État",
    expires: "Expiration du lien",
    actions: "Actions",
    resend: "Renvoyer",
    fix_address: "Corriger l'adresse et renvoyer",
    revoke: "Révoquer",
    edit_roles: "Modifier les rôles",
    save: "Enregistrer",
    remove: "Supprimer",
    next_page: "Page suivante",
    first_page: "Première page",
    nobody_found: "Personne ne correspond.",
    bulk_invite: "Inviter des utilisateurs depuis un fichier CSV",
    bulk_help: "Une personne par ligne : e-mail, prénom, nom, langue (en ou fr), pays (comme FR), rôles (comme account_viewer|report_viewer). Une première ligne qui nomme les colonnes est ignorée.",
    bulk_file: "FICHIER CSV",
    bulk_progress: "Lignes traitées",
    line: "Ligne",
    result: "Résultat",
    outcome_invited: "Invité",
    outcome_resent: "Invitation renvoyée",
    outcome_already_user: "Déjà utilisateur",
    outcome_refused: "Refusé",
    audit_log: "Journal d'audit",
    audit_when: "Quand",
    audit_who: "Qui",
    audit_what: "Quoi",
    audit_whom: "Pour qui",
    audit_detail: "Détail",
    audit_from: "Depuis",
    older: "Entrées plus anciennes",
    done: "Terminé",
    agreement_type: "Type",
    start_date: "Date de début",
    end_date: "Date de fin",
    agreement_active: "Actif",
    agreement_inactive: "Expiré",
    purchase_order: "RÉFÉRENCE DU BON DE COMMANDE",
    contact_name: "NOM DU CONTACT",
    contact_email: "E-MAIL DU CONTACT",
    edit_details: "Modifier les détails",
    saved: "Enregistré.",
    order_number: "Numéro de commande",
    order_date: "Date",
    products: "Produits",
    amount: "Montant",
    date_from: "DU",
    date_to: "AU",
    product: "PRODUIT",
    any: "Tous",
    filter: "Filtrer",
    no_orders: "Aucune commande ne correspond.",
    quantity: "Quantité",
    see_orders: "Voir les commandes",
    no_licenses: "Aucune licence pour l'instant.",
    key: "Clé",
    show_key: "Afficher la clé",
    no_keys: "Aucune clé de produit pour l'instant.",
    online_services: "Services en ligne",
    ordered: "Commandés",
    assigned: "Attribués",
    available: "Disponibles",
    assign_subscriptions: "Attribuer des abonnements",
    service_field: "SERVICE",
    quantity_field: "QUANTITÉ",
    start_date_field: "DATE DE DÉBUT",
    assign: "ATTRIBUER",
    assigned_notice: "Les abonnements ont été attribués.",
    subscriptions: "Abonnements",
    assigned_by: "Attribué par",
    no_services: "Aucun service en ligne commandé pour l'instant.",
    no_subscriptions: "Aucun abonnement attribué pour l'instant.",
    no_downloads: "Aucun logiciel à télécharger pour l'instant.",
    file: "Fichier",
    size: "Taille",
    download: "Télécharger",
    report_license_summary: "Synthèse des licences",
    report_license_summary_about: "Quantité acquise par produit, version et compte d'achats.",
    report_orders_about: "Chaque ligne de commande, avec sa quantité et son montant.",
    report_keys_about: "Chaque clé de produit en entier. Chaque export est consigné dans le journal d'audit.",
    export_csv: "Exporter en CSV",

    name: "Nom",
    preferred_language: "LANGUE PRÉFÉRÉE",
    roles: "Rôles",
    roles_note: "Les rôles sont attribués par un administrateur de votre organisation.",
    change_password: "Changer le mot de passe",
    current_password: "Mot de passe actuel",
    new_password: "Nouveau mot de passe",
    password_changed: "Votre mot de passe a été changé. Vos autres sessions ont été déconnectées.",

    not_found_title: "Page introuvable",
    not_found_body: "Cette page n'existe pas.",
    loading: "Chargement…",
};

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }

    /// A moment given in seconds since the Unix epoch, as a UTC date written
    /// out in full.
    pub fn format_date(self, unix_seconds: i64) -> String {
        let (year, month, day) = civil_from_days(unix_seconds.div_euclid(86_400));
        const EN_MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        const FR_MONTHS: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        let month_index = (month - 1) as usize;
        match self {
            Lang::En => format!("{} {day}, {year}", EN_MONTHS[month_index]),
            Lang::Fr => format!("{day} {} {year}", FR_MONTHS[month_index]),
        }
    }

    /// The date and the UTC time of day, for logs.
    pub fn format_date_time(self, unix_seconds: i64) -> String {
        let seconds = unix_seconds.rem_euclid(86_400);
        format!(
            "{} {:02}:{:02} UTC",
            self.format_date(unix_seconds),
            seconds / 3600,
            seconds % 3600 / 60
        )
    }
}

/// Reads a date written `YYYY-MM-DD` (as `<input type="date">` sends it):
/// the UTC midnight that starts it, in seconds since the epoch.
pub fn parse_iso_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Reject days past the month's end (2026-02-30 is not a date).
    (civil_from_days(days) == (year, month, day)).then_some(days * 86_400)
}

/// The date `YYYY-MM-DD` of `unix_seconds`, UTC.
pub fn iso_date(unix_seconds: i64) -> String {
    let (year, month, day) = civil_from_days(unix_seconds.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Howard Hinnant's civil-to-days algorithm, the inverse of the one below.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil algorithm: no date crate in the browser.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_the_readers_language() {
        // 2027-01-23T10:00:00Z
        assert_eq!(Lang::En.format_date(1_800_698_400), "January 23, 2027");
        assert_eq!(Lang::Fr.format_date(1_800_698_400), "23 janvier 2027");
    }

    #[test]
    fn leap_days_and_the_epoch_are_right() {
        assert_eq!(Lang::En.format_date(0), "January 1, 1970");
        // 2028-02-29T00:00:00Z
        assert_eq!(Lang::En.format_date(1_835_395_200), "February 29, 2028");
    }

    #[test]
    fn iso_dates_round_trip_and_impossible_ones_are_refused() {
        assert_eq!(parse_iso_date("1970-01-01"), Some(0));
        assert_eq!(parse_iso_date("2028-02-29"), Some(1_835_395_200));
        assert_eq!(iso_date(1_835_395_200 + 3600), "2028-02-29");
        assert_eq!(parse_iso_date("2027-02-29"), None);
        assert_eq!(parse_iso_date("2026-13-01"), None);
        assert_eq!(parse_iso_date("yesterday"), None);
        assert_eq!(parse_iso_date(""), None);
    }
}
