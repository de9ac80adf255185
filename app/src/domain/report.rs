use serde::{Deserialize, Serialize};

use super::{Capability, Role};

/// A report the Center exports as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Report {
    /// Owned quantity per product version and purchasing account.
    LicenseSummary,
    /// Every order line.
    Orders,
    /// Every product key, whole: only for roles that may see keys.
    Keys,
}

impl Report {
    pub const ALL: [Report; 3] = [Report::LicenseSummary, Report::Orders, Report::Keys];

    /// The name in the export's address and file name.
    pub fn slug(self) -> &'static str {
        match self {
            Report::LicenseSummary => "license-summary",
            Report::Orders => "orders",
            Report::Keys => "keys",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|report| report.slug() == slug)
    }

    /// Where the CSV export is served.
    pub fn export_path(self) -> String {
        format!("/reports/{}.csv", self.slug())
    }

    /// What a user needs to export it: reports, and keys for the keys.
    pub fn needs(self) -> &'static [Capability] {
        match self {
            Report::LicenseSummary | Report::Orders => &[Capability::ViewReports],
            Report::Keys => &[Capability::ViewReports, Capability::ViewKeys],
        }
    }

    pub fn allowed_for(self, roles: &[Role]) -> bool {
        self.needs()
            .iter()
            .all(|capability| Role::any_allows(roles, *capability))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_viewers_export_every_report_but_keys() {
        let viewer = [Role::AccountViewer];
        assert!(Report::Orders.allowed_for(&viewer));
        assert!(Report::LicenseSummary.allowed_for(&viewer));
        assert!(!Report::Keys.allowed_for(&viewer));
        assert!(Report::Keys.allowed_for(&[Role::ReportViewer]));
        assert!(!Report::Orders.allowed_for(&[Role::UserAdmin]));
    }

    #[test]
    fn slugs_round_trip() {
        for report in Report::ALL {
            assert_eq!(Report::from_slug(report.slug()), Some(report));
        }
        assert_eq!(Report::from_slug("users"), None);
    }
}
