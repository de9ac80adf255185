//! Français.

use super::Texts;
use crate::domain::wire::InvitationState;
use crate::domain::AuditAction;
use crate::domain::Problem;
use crate::domain::Role;

pub const TEXTS: Texts = Texts {
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
    terms: "En choisissant {start}, vous acceptez les conditions générales du Centre d'affaires et comprenez que votre nom et votre adresse e-mail seront visibles par les autres personnes de votre organisation. La politique de confidentialité de votre organisation s'applique aux données que vous saisissez.",
    start: "Démarrer",
    password_rules_title: "Votre mot de passe doit :",
    rule_length: "comporter de 12 à 128 caractères",
    rule_common: "ne pas être un mot de passe courant ou ayant déjà fuité",
    invitation_for_agreement: "Contrat",
    invitation_expires_on: "Cette invitation expire le {date}.",

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
    meta_description: "Le Centre d'affaires : connectez-vous avec votre compte professionnel pour voir les contrats de licence en volume, commandes, licences, clés et téléchargements de votre organisation, et inviter vos collègues.",
    license_usage: "Utilisation des licences en un coup d'œil",
    usage_owned: "possédées",
    usage_assigned: "attribuées",
    all_licenses: "Toutes les licences",
    licenses_of_product: "Licences d’un produit : {product}",
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
    two_step: "Validation en deux étapes",
    two_step_intro: "En plus de votre mot de passe, la connexion demande un code d'une application d'authentification sur votre téléphone (comme Microsoft Authenticator ou Google Authenticator) : un mot de passe volé ne suffit plus à ouvrir votre compte.",
    two_step_manage: "Configurer ou gérer la validation en deux étapes",
    two_step_on_since: "La validation en deux étapes est activée (depuis le {date}).",
    two_step_off: "La validation en deux étapes est désactivée.",
    recovery_codes_left: "Codes de récupération inutilisés : {count}",
    two_step_start: "Configurer une application d'authentification",
    two_step_scan: "Scannez ce code QR avec votre application d'authentification, ou saisissez-y cette clé :",
    two_step_qr_label: "Code QR de votre clé d'authentification",
    two_step_secret_once: "La clé n'est affichée que jusqu'à l'activation de la validation en deux étapes. Ne la communiquez jamais.",
    two_step_code: "CODE",
    two_step_confirm_intro: "Saisissez ensuite le code à 6 chiffres que l'application affiche pour le Centre d'affaires.",
    two_step_turn_on: "Activer",
    recovery_codes_title: "Vos codes de récupération",
    recovery_codes_intro: "Chaque code vous connecte une fois si vous perdez votre téléphone. Conservez-les en lieu sûr, par exemple dans un gestionnaire de mots de passe : ils ne sont affichés que maintenant, et les codes précédents ne fonctionnent plus.",
    recovery_codes_saved: "J'ai enregistré mes codes",
    renew_recovery_codes: "Obtenir de nouveaux codes de récupération",
    two_step_turn_off: "Désactiver la validation en deux étapes",
    two_step_password_note: "Saisissez votre mot de passe pour confirmer.",
    two_step_required_notice: "Votre organisation exige la validation en deux étapes. Configurez-la pour continuer.",
    organization_two_step: "Votre organisation",
    organization_two_step_required: "Tous les membres de votre organisation doivent utiliser la validation en deux étapes ; ceux qui ne l'ont pas la configurent à leur prochaine connexion.",
    organization_two_step_optional: "La validation en deux étapes est facultative dans votre organisation.",
    require_two_step: "Exiger pour tous",
    stop_requiring_two_step: "Ne plus exiger",
    sign_in_code_title: "Saisissez votre code",
    sign_in_code_intro: "Ouvrez votre application d'authentification et saisissez le code à 6 chiffres du Centre d'affaires. Si vous avez perdu votre téléphone, saisissez plutôt l'un de vos codes de récupération.",
    sign_in_code_expired: "Cette connexion a expiré. Connectez-vous à nouveau.",
    error_two_step_setup_required: "Votre organisation exige la validation en deux étapes : configurez-la d'abord.",

    not_found_title: "Page introuvable",
    not_found_body: "Cette page n'existe pas.",
    loading: "Chargement…",
    error_invalid: "Corrigez les champs signalés ci-dessous.",
    error_unauthenticated: "Votre session a expiré. Reconnectez-vous.",
    error_bad_credentials: "L'adresse e-mail ou le mot de passe n'est pas correct.",
    error_forbidden: "Vos rôles ne permettent pas cette action.",
    error_not_found: "Cet élément n'existe pas ou plus.",
    error_rate_limited: "Trop de tentatives. Réessayez dans {minutes} min.",
    error_busy: "Le Centre est très sollicité. Réessayez dans un instant.",
    error_bad_request: "La requête n’a pas pu être comprise. Rechargez la page et réessayez.",
    error_internal: "Une erreur s'est produite de notre côté. Réessayez ; si cela persiste, contactez le support avec la référence {reference}.",
    error_request: "La demande n'a pas abouti. Vérifiez votre connexion et réessayez.",
    status_active: "Actif",
    main_navigation: "Espaces du Centre",
    area_customers: "Clients",
    area_domains: "Domaines",
    customer: "Client",
    partners_of_record: "Partenaires attitrés",
    partner: "Partenaire",
    no_partners: "Aucun partenaire n'est partenaire attitré de vos contrats.",
    no_customers: "Aucun client ne vous a encore désigné comme partenaire attitré.",
    manage_partner_visibility: "Gérer la visibilité des partenaires",
    partner_visibility_intro: "Chaque partenaire voit les licences et commandes passées par son intermédiaire. Activez l'interrupteur pour qu'un partenaire voie aussi celles passées par vos autres partenaires.",
    sees_other_partners: "Peut voir les licences et commandes passées par d'autres partenaires",
    switch_on: "Activé",
    switch_off: "Désactivé",
    designated_admin: "Administrateur désigné",
    admin_invited_until: "Invité, le lien expire le {date}",
    admin_expired: "Invitation expirée",
    admin_delivery_failed: "Échec de l'envoi",
    admin_registered: "Inscrit",
    admin_not_invited: "Non invité",
    resend_invitation: "Renvoyer l'invitation",
    change_admin: "Changer d'administrateur",
    change_admin_email: "Changer l'adresse e-mail",
    admin_changed: "Le nouvel administrateur désigné a été invité.",
    admin_email_changed: "L'invitation a été envoyée à la nouvelle adresse ; l'ancien lien ne fonctionne plus.",
    licenses_and_orders: "Licences et commandes",
    domains_intro: "Prouvez que votre organisation possède un domaine : publiez l'enregistrement TXT indiqué ci-dessous dans le DNS du domaine, puis choisissez Vérifier. Les services en ligne pourront alors être approvisionnés sur ce domaine et ses sous-domaines.",
    domain_field: "DOMAINE",
    add_domain: "AJOUTER LE DOMAINE",
    txt_record: "Enregistrement TXT à publier",
    record_name: "Nom",
    record_value: "Valeur",
    copy: "Copier",
    verify: "Vérifier",
    no_domains: "Aucun domaine pour le moment.",
    domain_pending: "En attente : publiez l'enregistrement et vérifiez avant le {date}",
    domain_verified: "Vérifié le {date}",
    domain_expired: "Expiré : ajoutez de nouveau le domaine pour obtenir un nouvel enregistrement",
    domain_lapsed: "N'est plus vérifié : l'enregistrement a manqué 3 jours de suite",
    check_verified: "Vérifié : l'enregistrement a été trouvé.",
    check_no_record: "Aucun enregistrement TXT n'a été trouvé à {name}. Publiez-le et réessayez ; une modification DNS peut mettre du temps à se propager.",
    check_wrong_value: "Les enregistrements TXT à {name} ne contiennent pas la valeur attendue. Trouvé : {found}",
    check_dns_error: "Le DNS n'a pas pu être interrogé ({error}). Réessayez dans quelques minutes.",
    check_expired: "Ce domaine a attendu plus de 7 jours : ajoutez-le de nouveau pour obtenir un nouvel enregistrement.",
    provision_needs_domain: "Les services en ligne sont approvisionnés sur un domaine vérifié de votre organisation, et elle n'en a pas encore : ajoutez-en un et vérifiez-le sous {domains}.",
    provision_to_domain: "Les personnes dont l'adresse se termine par ce domaine (ou l'un de ses sous-domaines) peuvent utiliser le service.",

};

/// Role in words.
pub fn role_name(value: Role) -> &'static str {
    match value {
        Role::AccountAdmin => "Administrateur de compte",
        Role::AgreementAdmin => "Administrateur de contrat",
        Role::UserAdmin => "Administrateur d'utilisateurs",
        Role::AccountManager => "Responsable des comptes",
        Role::ReportViewer => "Observateur de rapports",
        Role::AccountViewer => "Observateur du compte",
        Role::PartnerAdmin => "Administrateur partenaire",
        Role::PartnerAgent => "Agent partenaire",
    }
}

/// AuditAction in words.
pub fn audit_action(value: AuditAction) -> &'static str {
    use AuditAction::*;
    match value {
        InvitationSent => "Invitation envoyée",
        InvitationResent => "Invitation renvoyée",
        InvitationAddressFixed => "Adresse de l'invitation corrigée",
        InvitationRevoked => "Invitation révoquée",
        UserRolesChanged => "Rôles modifiés",
        UserRemoved => "Utilisateur supprimé",
        AgreementModified => "Contrat modifié",
        KeyViewed => "Clé de produit affichée",
        KeysExported => "Clés de produit exportées",
        SoftwareDownloaded => "Logiciel téléchargé",
        SubscriptionAssigned => "Abonnements attribués",
        DesignatedAdminInvitationResent => {
            "Invitation de l'administrateur renvoyée par le partenaire"
        }
        DesignatedAdminChanged => "Administrateur désigné changé",
        DesignatedAdminEmailChanged => "Adresse de l'administrateur désigné changée",
        PartnerVisibilityChanged => "Visibilité du partenaire changée",
        DomainAdded => "Domaine ajouté",
        DomainVerified => "Domaine vérifié",
        SignedIn => "Connexion",
        SignInFailed => "Échec de connexion (mot de passe erroné)",
        SignedOut => "Déconnexion",
        PasswordChanged => "Mot de passe modifié",
        PasswordRecheckFailed => "Mot de passe redemandé : mot de passe erroné",
        SecondStepFailed => "Échec de connexion (code erroné)",
        TwoStepEnabled => "Validation en deux étapes activée",
        TwoStepDisabled => "Validation en deux étapes désactivée",
        RecoveryCodeUsed => "Connexion avec un code de récupération",
        RecoveryCodesRenewed => "Nouveaux codes de récupération",
        TwoStepRequirementChanged => "Exigence de validation en deux étapes modifiée",
    }
}

/// Problem in words.
pub fn problem(value: Problem) -> &'static str {
    use Problem::*;
    match value {
        Required => "Ce champ est obligatoire.",
        EmailInvalid => "Saisissez une adresse e-mail telle que nom@contoso.com.",
        AgreementNumberInvalid => {
            "Un numéro de contrat comporte exactement 10 chiffres, par exemple 1234567890."
        }
        PurchasingAccountNumberInvalid => {
            "Un numéro de compte d'achats comporte de 1 à 20 chiffres, par exemple 9876543210."
        }
        NameInvalid => {
            "Un nom comporte au plus 100 caractères et ne peut pas contenir < ou >."
        }
        LanguageUnsupported => "Choisissez l'anglais ou le français.",
        CountryUnknown => "Choisissez un pays ou une région dans la liste.",
        PasswordTooShort => "Utilisez au moins 12 caractères.",
        PasswordTooLong => "Utilisez au plus 128 caractères.",
        PasswordCommon => {
            "Ce mot de passe est courant ou a déjà fuité, les attaquants l'essaient donc en premier. Choisissez-en un autre ; quelques mots sans rapport entre eux en font un solide."
        }
        PasswordMismatch => "Les deux mots de passe ne sont pas identiques.",
        CurrentPasswordWrong => "Le mot de passe actuel n'est pas correct.",
        CodeIncorrect => "Ce code n'est pas correct ou a déjà été utilisé. Saisissez le code que votre application affiche maintenant.",
        TwoStepSetupStale => "Cette configuration a été remplacée ou terminée. Recommencez la configuration.",
        TwoStepRequiredByOrganization => "Votre organisation exige la validation en deux étapes : elle ne peut pas être désactivée.",
        TwoStepYoursFirst => "Activez la validation en deux étapes pour vous-même avant de l'exiger de tous.",
        AgreementExists => "Un contrat portant ce numéro est déjà enregistré.",
        EmailTaken => {
            "Cette adresse e-mail a déjà un compte dans le Centre d'affaires."
        }
        AlreadyMember => "Cette personne est déjà membre de votre organisation.",
        RoleRequired => "Choisissez au moins un rôle.",
        RoleUnknown => "Choisissez un rôle dans la liste.",
        PurchaseOrderInvalid => {
            "Une référence de bon de commande compte au plus 50 lettres, chiffres, espaces ou - / . _"
        }
        DateInvalid => "Saisissez une date au format AAAA-MM-JJ.",
        QuantityInvalid => "Saisissez un nombre entier supérieur à 0.",
        ServiceUnknown => {
            "Choisissez un service en ligne et un compte d'achats dans la liste."
        }
        AdminInvitationClosed => "L'administrateur désigné n'a plus d'invitation en attente : il a créé son compte, ou le client l'a retirée. Adressez-vous aux administrateurs de compte du client.",
        PartnerUnknown => "Aucune organisation partenaire ne porte ce nom.",
        AgreementUnknown => "Aucun contrat ne porte ce numéro.",
        OrganizationExists => "Une organisation porte déjà ce nom : donnez son identifiant pour y ajouter le contrat, ou choisissez un autre nom.",
        OrganizationUnknown => "Aucune organisation n'a cet identifiant.",
        PartnerNotLinked => "Ce partenaire n'est pas partenaire attitré de ce contrat.",
        DomainInvalid => "Saisissez un nom de domaine tel que contoso.com.",
        DomainConsumer => "Ce domaine est celui d'une messagerie grand public (comme gmail.com) : utilisez le domaine de votre organisation.",
        DomainTaken => "Une autre organisation a déjà vérifié ce domaine.",
        DomainAlreadyAdded => "Votre organisation a déjà ce domaine, ou un domaine qui le couvre.",
        PurchasingAccountUnknown => "Choisissez un compte d'achats dans la liste.",
        BulkFileEmpty => "Choisissez un fichier CSV qui contient au moins une personne.",
        BulkFileTooLong => "Un fichier peut inviter au plus 1000 personnes à la fois : divisez-le en fichiers plus petits.",
        DomainNotVerified => "Choisissez l'un des domaines vérifiés de votre organisation.",
        ExceedsEntitlement { .. } => {
            "C'est plus que ce que les commandes de ce compte d'achats autorisent :"
        }
        AgreementNotActive => "Seul un contrat actif peut être modifié.",
        InviterLacksPower => {
            "La personne qui vous a invité ne peut plus attribuer les rôles de cette invitation. Demandez-lui, ou à un autre administrateur, de vous inviter à nouveau."
        }
        LastAccountAdmin => {
            "L'organisation a besoin d'au moins un Administrateur de compte : nommez-en d'abord un autre."
        }
    }
}

/// Plus d'abonnements demandés que les commandes n'en autorisent.
pub fn exceeds_entitlement(ordered: i64, assigned: i64) -> String {
    format!(
        "{} {ordered} commandés, {assigned} déjà attribués : {} disponibles.",
        problem(Problem::ExceedsEntitlement { ordered, assigned }),
        ordered - assigned
    )
}

/// Où en est une invitation.
pub fn invitation_state(state: InvitationState) -> &'static str {
    match state {
        InvitationState::Invited => "Invité",
        InvitationState::Expired => "Expirée",
        InvitationState::Revoked => "Révoquée",
        InvitationState::DeliveryFailed => "Échec de l'envoi",
    }
}
