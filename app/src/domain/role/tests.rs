use super::*;
use Capability::*;

#[test]
fn a_role_crosses_the_wire_by_its_key() {
    for role in Role::ALL {
        let json = serde_json::to_string(&role).expect("serializes");
        assert_eq!(json, format!("\"{}\"", role.key()));
        let back: Role = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, role);
    }
    assert!(serde_json::from_str::<Role>("\"\"").is_err());
    assert!(serde_json::from_str::<Role>("\"AccountAdmin\"").is_err());
}

#[test]
fn a_typed_role_list_needs_one_role_and_drops_repeats() {
    assert_eq!(Role::normalize(vec![]), Err(Problem::RoleRequired));
    assert_eq!(
        Role::normalize(vec![
            Role::ReportViewer,
            Role::AccountAdmin,
            Role::ReportViewer
        ]),
        Ok(vec![Role::AccountAdmin, Role::ReportViewer])
    );
}

#[test]
fn role_lists_need_one_known_role_and_drop_blanks_and_repeats() {
    assert_eq!(
        Role::parse_list(&["report_viewer", "", "account_admin", "report_viewer"]),
        Ok(vec![Role::AccountAdmin, Role::ReportViewer])
    );
    assert_eq!(Role::parse_list(&["", " "]), Err(Problem::RoleRequired));
    assert_eq!(Role::parse_list::<&str>(&[]), Err(Problem::RoleRequired));
    assert_eq!(Role::parse_list(&["superuser"]), Err(Problem::RoleUnknown));
}

#[test]
fn granting_several_roles_needs_power_over_each() {
    let user_admin = [Role::UserAdmin];
    assert!(Role::may_grant_all(
        &user_admin,
        &[Role::AccountManager, Role::AccountViewer]
    ));
    assert!(!Role::may_grant_all(
        &user_admin,
        &[Role::AccountViewer, Role::AccountAdmin]
    ));
    let both = [Role::AgreementAdmin, Role::UserAdmin];
    assert!(Role::may_grant_all(
        &both,
        &[Role::AccountManager, Role::AgreementAdmin]
    ));
    assert!(!Role::may_grant_all(
        &[Role::AccountViewer],
        &[Role::AccountViewer]
    ));
}

#[test]
fn customer_roles_are_every_role_but_the_partners() {
    let customer: Vec<Role> = Role::ALL.into_iter().filter(|r| !r.is_partners()).collect();
    assert_eq!(customer, Role::CUSTOMER);
}

#[test]
fn role_keys_round_trip() {
    for role in Role::ALL {
        assert_eq!(Role::from_key(role.key()), Some(role));
    }
    assert_eq!(Role::from_key("superuser"), None);
}

#[test]
fn only_account_user_and_agreement_admins_invite_and_partner_admins_for_partners() {
    let inviters: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|role| role.allows(InviteUsers))
        .collect();
    assert_eq!(
        inviters,
        [
            Role::AccountAdmin,
            Role::AgreementAdmin,
            Role::UserAdmin,
            Role::PartnerAdmin
        ]
    );
}

#[test]
fn account_viewers_see_no_keys_but_report_viewers_do() {
    assert!(!Role::AccountViewer.allows(ViewKeys));
    assert!(Role::ReportViewer.allows(ViewKeys));
    assert!(Role::AccountViewer.allows(ViewOrders));
}

#[test]
fn only_account_managers_and_admins_download_and_provision() {
    for role in Role::ALL {
        let expected = matches!(role, Role::AccountAdmin | Role::AccountManager);
        assert_eq!(role.allows(DownloadSoftware), expected, "{role}");
        assert_eq!(role.allows(ManageProvisioning), expected, "{role}");
    }
}

#[test]
fn the_grant_matrix_matches_the_specification() {
    use Role::*;
    let expected: [(Role, &[Role]); 8] = [
        (AccountAdmin, &Role::CUSTOMER),
        (
            UserAdmin,
            &[
                AgreementAdmin,
                UserAdmin,
                AccountManager,
                ReportViewer,
                AccountViewer,
            ],
        ),
        (
            AgreementAdmin,
            &[AgreementAdmin, ReportViewer, AccountViewer],
        ),
        (AccountManager, &[]),
        (ReportViewer, &[]),
        (AccountViewer, &[]),
        (PartnerAdmin, &[PartnerAdmin, PartnerAgent]),
        (PartnerAgent, &[]),
    ];
    for (granter, grantable) in expected {
        for role in Role::ALL {
            assert_eq!(
                granter.may_grant(role),
                grantable.contains(&role),
                "{granter} granting {role}"
            );
        }
    }
}

#[test]
fn only_account_admins_and_account_managers_manage_domains() {
    for role in Role::ALL {
        let expected = matches!(role, Role::AccountAdmin | Role::AccountManager);
        assert_eq!(role.allows(ManageDomains), expected, "{role}");
    }
}

#[test]
fn partner_and_customer_roles_open_their_own_side_only() {
    for role in Role::ALL {
        for capability in [
            ViewAgreements,
            ViewOrders,
            ViewLicenses,
            ViewKeys,
            ManagePartnerVisibility,
        ] {
            if role.is_partners() {
                assert!(!role.allows(capability), "{role} {capability:?}");
            }
        }
        assert_eq!(role.allows(ManageCustomers), role.is_partners(), "{role}");
    }
    assert!(Role::AccountAdmin.allows(ManagePartnerVisibility));
    assert!(!Role::UserAdmin.allows(ManagePartnerVisibility));
    assert!(Role::PartnerAdmin.allows(InviteUsers));
    assert!(!Role::PartnerAgent.allows(InviteUsers));
}

#[test]
fn several_roles_grant_the_union_of_what_each_grants() {
    assert_eq!(
        Role::grantable_by(&[Role::AgreementAdmin, Role::UserAdmin]),
        Role::grantable_by(&[Role::UserAdmin])
    );
    assert!(Role::grantable_by(&[Role::ReportViewer]).is_empty());
}
