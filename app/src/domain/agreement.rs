use std::fmt;

use serde::{Deserialize, Serialize};

use super::Problem;

/// The number of a signed agreement (an MPSA): exactly ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgreementNumber(String);

impl AgreementNumber {
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let number = input.trim();
        if number.is_empty() {
            return Err(Problem::Required);
        }
        if number.len() != 10 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::AgreementNumberInvalid);
        }
        Ok(Self(number.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The number of a purchasing account under an agreement: 1 to 20 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PurchasingAccountNumber(String);

impl PurchasingAccountNumber {
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let number = input.trim();
        if number.is_empty() {
            return Err(Problem::Required);
        }
        if number.len() > 20 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::PurchasingAccountNumberInvalid);
        }
        Ok(Self(number.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($type:ident) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $type {
            type Error = Problem;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$type> for String {
            fn from(value: $type) -> Self {
                value.0
            }
        }
    };
}

string_conversions!(AgreementNumber);
string_conversions!(PurchasingAccountNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ten_digit_agreement_number_is_accepted() {
        let number = AgreementNumber::parse(" 1234567890 ").expect("valid");
        assert_eq!(number.as_str(), "1234567890");
    }

    #[test]
    fn an_agreement_number_with_letters_is_rejected() {
        assert_eq!(
            AgreementNumber::parse("12345abcde"),
            Err(Problem::AgreementNumberInvalid)
        );
    }

    #[test]
    fn an_agreement_number_of_the_wrong_length_is_rejected() {
        assert_eq!(
            AgreementNumber::parse("123456789"),
            Err(Problem::AgreementNumberInvalid)
        );
        assert_eq!(
            AgreementNumber::parse("12345678901"),
            Err(Problem::AgreementNumberInvalid)
        );
    }

    #[test]
    fn non_ascii_digits_are_not_digits() {
        assert_eq!(
            AgreementNumber::parse("١٢٣٤٥٦٧٨٩٠"),
            Err(Problem::AgreementNumberInvalid)
        );
    }

    #[test]
    fn an_empty_agreement_number_is_required() {
        assert_eq!(AgreementNumber::parse(""), Err(Problem::Required));
    }

    #[test]
    fn a_purchasing_account_number_is_numeric() {
        assert!(PurchasingAccountNumber::parse("9876543210").is_ok());
        assert_eq!(
            PurchasingAccountNumber::parse("98765-4321"),
            Err(Problem::PurchasingAccountNumberInvalid)
        );
        assert_eq!(
            PurchasingAccountNumber::parse(&"9".repeat(21)),
            Err(Problem::PurchasingAccountNumberInvalid)
        );
    }
}
