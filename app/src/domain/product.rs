use serde::{Deserialize, Serialize};

/// What a product is to the customer: software to download and install,
/// or an online service whose subscriptions are assigned in the Center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProductKind {
    Software,
    OnlineService,
}

impl ProductKind {
    /// The stable name kept in the database and used in import files.
    pub fn key(self) -> &'static str {
        match self {
            ProductKind::Software => "software",
            ProductKind::OnlineService => "online_service",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [ProductKind::Software, ProductKind::OnlineService]
            .into_iter()
            .find(|kind| kind.key() == key)
    }
}

/// How a product is named to people: "Visio Professional 2024", or just
/// "Microsoft 365 E3" for a product without a version.
pub fn product_label(name: &str, version: &str) -> String {
    if version.is_empty() {
        name.to_owned()
    } else {
        format!("{name} {version}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_nothing_else_parses() {
        for kind in [ProductKind::Software, ProductKind::OnlineService] {
            assert_eq!(ProductKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(ProductKind::from_key("hardware"), None);
    }

    #[test]
    fn a_product_without_a_version_is_named_alone() {
        assert_eq!(product_label("Visio", "2024"), "Visio 2024");
        assert_eq!(product_label("Microsoft 365 E3", ""), "Microsoft 365 E3");
    }
}
