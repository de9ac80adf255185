use std::fmt;

use serde::{Deserialize, Serialize};

use super::Problem;

/// A language of the interface and of emails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    pub fn parse(input: &str) -> Result<Self, Problem> {
        match input.trim().to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            "fr" | "fr-fr" | "fr-ca" | "français" | "francais" | "french" => Ok(Lang::Fr),
            "" => Err(Problem::Required),
            _ => Err(Problem::LanguageUnsupported),
        }
    }

    /// The ISO 639-1 code, as used in `<html lang>` and the database.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name, as shown in a language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        // The supported language the browser weighs highest (q=1 when
        // unsaid); on a tie, the one it lists first. q=0 means "not this".
        header
            .split(',')
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let lang = Lang::parse(tag.split('-').next().unwrap_or_default()).ok()?;
                let weight = pieces
                    .find_map(|piece| piece.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (weight > 0.0).then_some((lang, weight, position))
            })
            .max_by(|(_, a, a_position), (_, b, b_position)| {
                a.total_cmp(b).then(b_position.cmp(a_position))
            })
            .map(|(lang, _, _)| lang)
    }

    /// An amount in minor units, written as a reader of this language
    /// expects: `568,219.00 USD` in English, `568 219,00 $US` in French.
    pub fn format_amount(self, cents: i64, currency: &str) -> String {
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.unsigned_abs();
        let (separator, decimal) = match self {
            Lang::En => (",", "."),
            // A narrow no-break space, as French typography groups digits.
            Lang::Fr => ("\u{202f}", ","),
        };
        let units = group_thousands(cents / 100, separator);
        let number = format!("{sign}{units}{decimal}{:02}", cents % 100);
        match (self, currency) {
            (Lang::Fr, "USD") => format!("{number}\u{a0}$US"),
            (Lang::Fr, "EUR") => format!("{number}\u{a0}€"),
            (Lang::Fr, "CAD") => format!("{number}\u{a0}$CA"),
            (Lang::Fr, "GBP") => format!("{number}\u{a0}£GB"),
            _ => format!("{number}\u{a0}{currency}"),
        }
    }

    /// A whole number with the digits grouped as this language does.
    pub fn format_count(self, value: i64) -> String {
        let separator = match self {
            Lang::En => ",",
            Lang::Fr => "\u{202f}",
        };
        let sign = if value < 0 { "-" } else { "" };
        format!("{sign}{}", group_thousands(value.unsigned_abs(), separator))
    }
}

fn group_thousands(value: u64, separator: &str) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len());
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A country or region, by ISO 3166-1 alpha-2 code, from the list the
/// Center serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_fr: &'static str,
}

impl Country {
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(Problem::Required);
        }
        COUNTRIES
            .iter()
            .find(|country| country.code == code)
            .copied()
            .ok_or(Problem::CountryUnknown)
    }

    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.name_en,
            Lang::Fr => self.name_fr,
        }
    }
}

macro_rules! countries {
    ($($code:literal $en:literal $fr:literal;)*) => {
        /// Every country or region offered, sorted by English name.
        pub const COUNTRIES: &[Country] = &[
            $(Country { code: $code, name_en: $en, name_fr: $fr },)*
        ];
    };
}

countries! {
    "AR" "Argentina" "Argentine";
    "AU" "Australia" "Australie";
    "AT" "Austria" "Autriche";
    "BE" "Belgium" "Belgique";
    "BR" "Brazil" "Brésil";
    "CA" "Canada" "Canada";
    "CL" "Chile" "Chili";
    "CN" "China" "Chine";
    "CO" "Colombia" "Colombie";
    "CZ" "Czechia" "Tchéquie";
    "DK" "Denmark" "Danemark";
    "EG" "Egypt" "Égypte";
    "FI" "Finland" "Finlande";
    "FR" "France" "France";
    "DE" "Germany" "Allemagne";
    "GR" "Greece" "Grèce";
    "HK" "Hong Kong SAR" "R.A.S. de Hong Kong";
    "HU" "Hungary" "Hongrie";
    "IN" "India" "Inde";
    "ID" "Indonesia" "Indonésie";
    "IE" "Ireland" "Irlande";
    "IL" "Israel" "Israël";
    "IT" "Italy" "Italie";
    "JP" "Japan" "Japon";
    "KR" "Korea" "Corée";
    "LU" "Luxembourg" "Luxembourg";
    "MY" "Malaysia" "Malaisie";
    "MX" "Mexico" "Mexique";
    "MA" "Morocco" "Maroc";
    "NL" "Netherlands" "Pays-Bas";
    "NZ" "New Zealand" "Nouvelle-Zélande";
    "NG" "Nigeria" "Nigeria";
    "NO" "Norway" "Norvège";
    "PE" "Peru" "Pérou";
    "PH" "Philippines" "Philippines";
    "PL" "Poland" "Pologne";
    "PT" "Portugal" "Portugal";
    "RO" "Romania" "Roumanie";
    "SA" "Saudi Arabia" "Arabie saoudite";
    "SN" "Senegal" "Sénégal";
    "SG" "Singapore" "Singapour";
    "ZA" "South Africa" "Afrique du Sud";
    "ES" "Spain" "Espagne";
    "SE" "Sweden" "Suède";
    "CH" "Switzerland" "Suisse";
    "TW" "Taiwan" "Taïwan";
    "TH" "Thailand" "Thaïlande";
    "TN" "Tunisia" "Tunisie";
    "TR" "Türkiye" "Turquie";
    "UA" "Ukraine" "Ukraine";
    "AE" "United Arab Emirates" "Émirats arabes unis";
    "GB" "United Kingdom" "Royaume-Uni";
    "US" "United States" "États-Unis";
    "VN" "Vietnam" "Viêt Nam";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_from_codes_and_names() {
        assert_eq!(Lang::parse("FR"), Ok(Lang::Fr));
        assert_eq!(Lang::parse("english"), Ok(Lang::En));
        assert_eq!(Lang::parse("de"), Err(Problem::LanguageUnsupported));
    }

    #[test]
    fn accept_language_picks_the_first_supported_language() {
        assert_eq!(
            Lang::from_accept_language("de-DE,fr-CA;q=0.8,en;q=0.5"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("de,es"), None);
    }

    #[test]
    fn accept_language_honours_q_values() {
        assert_eq!(
            Lang::from_accept_language("fr;q=0.4, en-GB;q=0.9, de"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0, fr;q=0.1"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
        assert_eq!(
            Lang::from_accept_language("fr-CA, en"),
            Some(Lang::Fr),
            "a tie goes to the first listed"
        );
    }

    #[test]
    fn amounts_read_as_each_language_writes_them() {
        assert_eq!(
            Lang::En.format_amount(56_821_900, "USD"),
            "568,219.00\u{a0}USD"
        );
        assert_eq!(
            Lang::Fr.format_amount(56_821_900, "USD"),
            "568\u{202f}219,00\u{a0}$US"
        );
        assert_eq!(Lang::Fr.format_amount(-1_250, "EUR"), "-12,50\u{a0}€");
        assert_eq!(Lang::En.format_amount(5, "JPY"), "0.05\u{a0}JPY");
        assert_eq!(Lang::Fr.format_count(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(Lang::En.format_count(999), "999");
    }

    #[test]
    fn a_country_code_is_case_insensitive() {
        assert_eq!(Country::parse("us").map(|c| c.name_en), Ok("United States"));
    }

    #[test]
    fn an_unknown_country_is_rejected() {
        assert_eq!(Country::parse("XX"), Err(Problem::CountryUnknown));
        assert_eq!(Country::parse(""), Err(Problem::Required));
    }

    #[test]
    fn country_codes_are_unique() {
        let mut codes: Vec<_> = COUNTRIES.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), COUNTRIES.len());
    }
}
