use serde::{Deserialize, Serialize};

use super::Lang;

/// Something wrong with what a person typed, worded so they can fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Problem {
    #[error("this field is required")]
    Required,
    #[error("enter an email address such as name@contoso.com")]
    EmailInvalid,
    #[error("an agreement number is exactly 10 digits, such as 1234567890")]
    AgreementNumberInvalid,
    #[error("a purchasing account number is 1 to 20 digits, such as 9876543210")]
    PurchasingAccountNumberInvalid,
    #[error("a name is at most 100 characters and cannot contain < or >")]
    NameInvalid,
    #[error("choose English (en) or French (fr)")]
    LanguageUnsupported,
    #[error("choose a country or region from the list (a two-letter code such as US)")]
    CountryUnknown,
    #[error("use at least 12 characters")]
    PasswordTooShort,
    #[error("use at most 128 characters")]
    PasswordTooLong,
    #[error("mix at least three of: lowercase letters, capital letters, digits, symbols")]
    PasswordWeak,
    #[error("the two passwords are not the same")]
    PasswordMismatch,
    #[error("the current password is not correct")]
    CurrentPasswordWrong,
    #[error("an agreement with this number is already registered")]
    AgreementExists,
    #[error("this email address already has an account in the Business Center")]
    EmailTaken,
    #[error("choose at least one role")]
    RoleRequired,
    #[error("choose a role from the list")]
    RoleUnknown,
    #[error(
        "the organization needs at least one Account Admin: make someone else Account Admin first"
    )]
    LastAccountAdmin,
    #[error("the person who invited you can no longer give the roles in this invitation; ask them or another administrator to invite you again")]
    InviterLacksPower,
    #[error("a purchase order reference is at most 50 letters, digits, spaces or - / . _")]
    PurchaseOrderInvalid,
    #[error("only an active agreement can be changed")]
    AgreementNotActive,
    #[error("enter a date as YYYY-MM-DD")]
    DateInvalid,
    #[error("enter a whole number above 0")]
    QuantityInvalid,
    #[error("choose an online service and purchasing account from the list")]
    ServiceUnknown,
    #[error("only {} remain: {ordered} ordered, {assigned} already assigned", ordered - assigned)]
    ExceedsEntitlement { ordered: i64, assigned: i64 },
}

impl Problem {
    /// The message in the reader's language.
    pub fn text(self, lang: Lang) -> String {
        let sentence = self.sentence(lang);
        match (self, lang) {
            (Problem::ExceedsEntitlement { ordered, assigned }, Lang::En) => format!(
                "{sentence} {ordered} ordered, {assigned} already assigned: {} available.",
                ordered - assigned
            ),
            (Problem::ExceedsEntitlement { ordered, assigned }, Lang::Fr) => format!(
                "{sentence} {ordered} commandés, {assigned} déjà attribués : {} disponibles.",
                ordered - assigned
            ),
            _ => sentence.to_owned(),
        }
    }

    /// The fixed part of the message.
    fn sentence(self, lang: Lang) -> &'static str {
        use Problem::*;
        match (self, lang) {
            (Required, Lang::En) => "This field is required.",
            (Required, Lang::Fr) => "Ce champ est obligatoire.",
            (EmailInvalid, Lang::En) => "Enter an email address such as name@contoso.com.",
            (EmailInvalid, Lang::Fr) => "Saisissez une adresse e-mail telle que nom@contoso.com.",
            (AgreementNumberInvalid, Lang::En) => {
                "An agreement number is exactly 10 digits, such as 1234567890."
            }
            (AgreementNumberInvalid, Lang::Fr) => {
                "Un numéro de contrat comporte exactement 10 chiffres, par exemple 1234567890."
            }
            (PurchasingAccountNumberInvalid, Lang::En) => {
                "A purchasing account number is 1 to 20 digits, such as 9876543210."
            }
            (PurchasingAccountNumberInvalid, Lang::Fr) => {
                "Un numéro de compte d'achats comporte de 1 à 20 chiffres, par exemple 9876543210."
            }
            (NameInvalid, Lang::En) => {
                "A name is at most 100 characters and cannot contain < or >."
            }
            (NameInvalid, Lang::Fr) => {
                "Un nom comporte au plus 100 caractères et ne peut pas contenir < ou >."
            }
            (LanguageUnsupported, Lang::En) => "Choose English or French.",
            (LanguageUnsupported, Lang::Fr) => "Choisissez l'anglais ou le français.",
            (CountryUnknown, Lang::En) => "Choose a country or region from the list.",
            (CountryUnknown, Lang::Fr) => "Choisissez un pays ou une région dans la liste.",
            (PasswordTooShort, Lang::En) => "Use at least 12 characters.",
            (PasswordTooShort, Lang::Fr) => "Utilisez au moins 12 caractères.",
            (PasswordTooLong, Lang::En) => "Use at most 128 characters.",
            (PasswordTooLong, Lang::Fr) => "Utilisez au plus 128 caractères.",
            (PasswordWeak, Lang::En) => {
                "Mix at least three of: lowercase letters, capital letters, digits, symbols."
            }
            (PasswordWeak, Lang::Fr) => {
                "Combinez au moins trois types : minuscules, majuscules, chiffres, symboles."
            }
            (PasswordMismatch, Lang::En) => "The two passwords are not the same.",
            (PasswordMismatch, Lang::Fr) => "Les deux mots de passe ne sont pas identiques.",
            (CurrentPasswordWrong, Lang::En) => "The current password is not correct.",
            (CurrentPasswordWrong, Lang::Fr) => "Le mot de passe actuel n'est pas correct.",
            (AgreementExists, Lang::En) => "An agreement with this number is already registered.",
            (AgreementExists, Lang::Fr) => "Un contrat portant ce numéro est déjà enregistré.",
            (EmailTaken, Lang::En) => {
                "This email address already has an account in the Business Center."
            }
            (EmailTaken, Lang::Fr) => {
                "Cette adresse e-mail a déjà un compte dans le Centre d'affaires."
            }
            (RoleRequired, Lang::En) => "Choose at least one role.",
            (RoleRequired, Lang::Fr) => "Choisissez au moins un rôle.",
            (RoleUnknown, Lang::En) => "Choose a role from the list.",
            (RoleUnknown, Lang::Fr) => "Choisissez un rôle dans la liste.",
            (LastAccountAdmin, Lang::En) => {
                "The organization needs at least one Account Admin: make someone else Account Admin first."
            }
            (PurchaseOrderInvalid, Lang::En) => {
                "A purchase order reference is at most 50 letters, digits, spaces or - / . _"
            }
            (PurchaseOrderInvalid, Lang::Fr) => {
                "Une référence de bon de commande compte au plus 50 lettres, chiffres, espaces ou - / . _"
            }
            (DateInvalid, Lang::En) => "Enter a date as YYYY-MM-DD.",
            (DateInvalid, Lang::Fr) => "Saisissez une date au format AAAA-MM-JJ.",
            (QuantityInvalid, Lang::En) => "Enter a whole number above 0.",
            (QuantityInvalid, Lang::Fr) => "Saisissez un nombre entier supérieur à 0.",
            (ServiceUnknown, Lang::En) => {
                "Choose an online service and purchasing account from the list."
            }
            (ServiceUnknown, Lang::Fr) => {
                "Choisissez un service en ligne et un compte d'achats dans la liste."
            }
            (ExceedsEntitlement { .. }, Lang::En) => {
                "That is more than the orders of this purchasing account entitle:"
            }
            (ExceedsEntitlement { .. }, Lang::Fr) => {
                "C'est plus que ce que les commandes de ce compte d'achats autorisent :"
            }
            (AgreementNotActive, Lang::En) => "Only an active agreement can be changed.",
            (AgreementNotActive, Lang::Fr) => "Seul un contrat actif peut être modifié.",
            (InviterLacksPower, Lang::En) => {
                "The person who invited you can no longer give the roles in this invitation. Ask them or another administrator to invite you again."
            }
            (InviterLacksPower, Lang::Fr) => {
                "La personne qui vous a invité ne peut plus attribuer les rôles de cette invitation. Demandez-lui, ou à un autre administrateur, de vous inviter à nouveau."
            }
            (LastAccountAdmin, Lang::Fr) => {
                "L'organisation a besoin d'au moins un Administrateur de compte : nommez-en d'abord un autre."
            }
        }
    }
}
