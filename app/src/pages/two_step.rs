//! Two-step verification: set up an authenticator app (its QR code and key
//! shown until the first code confirms it), recovery codes shown once,
//! turning it off, and for an Account Admin the organization's rule.

use leptos::prelude::*;

use crate::api::two_step::{
    get_two_step, ConfirmTwoStep, RenewRecoveryCodes, RequireTwoStep, StartTwoStep, TurnOffTwoStep,
};
use crate::components::{page_source, server_problem, signed_in_page, Field, FormError, Layout};
use crate::domain::wire::{TwoStep, TwoStepSetup};
use crate::domain::Problem;
use crate::i18n::fill;
use crate::i18n::use_lang;

#[component]
pub fn TwoStepPage() -> impl IntoView {
    let t = use_lang().texts();
    // The page's actions outlive each rendering of its data: new recovery
    // codes are in their answers, shown once the page has read again.
    let actions = Actions {
        start: ServerAction::new(),
        confirm: ServerAction::new(),
        turn_off: ServerAction::new(),
        renew: ServerAction::new(),
        require: ServerAction::new(),
    };
    let source = page_source();
    let resource = Resource::new(move || (source(), actions.versions()), |_| get_two_step());
    signed_in_page(resource, move |two_step| {
        view! {
            <Layout user=two_step.user.clone()>
                <h1>{t.two_step}</h1>
                <TwoStepView two_step actions />
            </Layout>
        }
    })
}

/// The page's server functions, for the forms that post to them and for
/// the problems each answered with.
#[derive(Clone, Copy)]
struct Actions {
    start: ServerAction<StartTwoStep>,
    confirm: ServerAction<ConfirmTwoStep>,
    turn_off: ServerAction<TurnOffTwoStep>,
    renew: ServerAction<RenewRecoveryCodes>,
    require: ServerAction<RequireTwoStep>,
}

impl Actions {
    /// How many times each has answered: the page reads again after each.
    fn versions(&self) -> [usize; 5] {
        [
            self.start.version().get(),
            self.confirm.version().get(),
            self.turn_off.version().get(),
            self.renew.version().get(),
            self.require.version().get(),
        ]
    }

    /// The recovery codes the last confirmation or renewal made, if it
    /// made any.
    fn new_codes(&self) -> Option<Vec<String>> {
        let made = |value: Option<Result<Vec<String>, _>>| value.and_then(Result::ok);
        made(self.confirm.value().get_untracked())
            .or_else(|| made(self.renew.value().get_untracked()))
    }
}

/// Where two-step verification stands and what the user may do about it.
#[component]
fn TwoStepView(two_step: TwoStep, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let new_codes = new_recovery_codes().or_else(|| actions.new_codes());
    let must_set_up = two_step.organization_requires && two_step.enabled_since.is_none();
    let status = match two_step.enabled_since {
        Some(since) => view! {
            <p class="two-step-status">
                {fill(t.two_step_on_since, &[("date", &lang.format_date(since))])}
            </p>
            <p>
                {fill(
                    t.recovery_codes_left,
                    &[("count", &two_step.recovery_codes_left.to_string())],
                )}
            </p>
        }
        .into_any(),
        None => view! { <p class="two-step-status">{t.two_step_off}</p> }.into_any(),
    };
    let enabled = two_step.enabled_since.is_some();
    let setup = two_step.setup.clone();
    view! {
            {must_set_up
                .then(|| {
                    view! {
                        <p class="notice" role="alert">
                            {t.two_step_required_notice}
                        </p>
                    }
                })}
            <section class="card">
                <p>{t.two_step_intro}</p>
                {status}
                {new_codes.map(|codes| view! { <RecoveryCodes codes /> })}
                {if enabled {
                    let (renew, turn_off) = (actions.renew, actions.turn_off);
                    view! {
                        <ActionForm action=renew>
                            <FormError value=renew.value() />
                            <PasswordConfirmed
                                id="renew-password"
                                label=t.renew_recovery_codes
                                problem=server_problem(renew.value(), "password")
                            />
                        </ActionForm>
                        {(!two_step.organization_requires)
                            .then(|| {
                                view! {
                                    <ActionForm action=turn_off>
                                        <FormError value=turn_off.value() />
                                        <PasswordConfirmed
                                            id="turn-off-password"
                                            label=t.two_step_turn_off
                                            problem=server_problem(turn_off.value(), "password")
                                        />
                                    </ActionForm>
                                }
                            })}
                    }
                        .into_any()
                } else {
                    match setup {
                        Some(setup) => view! { <SetUp setup confirm=actions.confirm /> }.into_any(),
                        None => view! {
                            <ActionForm action=actions.start>
                                <FormError value=actions.start.value() />
                                <button type="submit" class="primary">
                                    {t.two_step_start}
                                </button>
                            </ActionForm>
                        }
                            .into_any(),
                    }
                }}
            </section>
            {two_step
                .may_require
                .then(|| {
                    view! {
                        <OrganizationRule
                            required=two_step.organization_requires
                            action=actions.require
                        />
                    }
                })}
    }
}

/// The QR code and key of an authenticator being set up, and the form
/// its first code confirms.
#[component]
fn SetUp(setup: TwoStepSetup, confirm: ServerAction<ConfirmTwoStep>) -> impl IntoView {
    let t = use_lang().texts();
    let value = confirm.value();
    let view_box = format!("0 0 {0} {0}", setup.qr_size);
    view! {
        <div class="two-step-setup">
            <p>{t.two_step_scan}</p>
            <a class="qr" href=setup.uri.clone()>
                <svg
                    viewBox=view_box
                    width="200"
                    height="200"
                    role="img"
                    aria-label=t.two_step_qr_label
                    shape-rendering="crispEdges"
                >
                    <rect width="100%" height="100%" fill="#fff" />
                    <path d=setup.qr_path fill="#000" />
                </svg>
            </a>
            <p>
                <code class="two-step-secret">{setup.secret}</code>
            </p>
            <p class="note">{t.two_step_secret_once}</p>
            <p>{t.two_step_confirm_intro}</p>
            <ActionForm action=confirm>
                <FormError value />
                <Field
                    label=t.two_step_code
                    name="code"
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    required=true
                    problem=server_problem(value, "code")
                />
                <p class="note">{t.two_step_password_note}</p>
                <Field
                    label=t.password
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    problem=server_problem(value, "password")
                />
                <button type="submit" class="primary">
                    {t.two_step_turn_on}
                </button>
            </ActionForm>
        </div>
    }
}

/// Recovery codes just made (by turning two-step verification on, or new
/// ones), which the server function left for this page: shown this once.
fn new_recovery_codes() -> Option<Vec<String>> {
    #[cfg(feature = "ssr")]
    {
        crate::api::two_step::take_new_recovery_codes()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <div class="recovery-codes" role="status">
            <h2>{t.recovery_codes_title}</h2>
            <p>{t.recovery_codes_intro}</p>
            <ul>
                {codes
                    .into_iter()
                    .map(|code| view! { <li><code>{code}</code></li> })
                    .collect_view()}
            </ul>
            <p>
                <a class="button primary" href="/dashboard">
                    {t.recovery_codes_saved}
                </a>
            </p>
        </div>
    }
}

/// The heading, password field and button of a change the user's
/// password confirms: new recovery codes, or turning two-step
/// verification off.
#[component]
fn PasswordConfirmed(
    id: &'static str,
    label: &'static str,
    problem: Signal<Option<Problem>>,
) -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <h2>{label}</h2>
        <p class="note">{t.two_step_password_note}</p>
        <Field
            id
            label=t.password
            name="password"
            kind="password"
            autocomplete="current-password"
            required=true
            problem=problem
        />
        <button type="submit">{label}</button>
    }
}

#[component]
fn OrganizationRule(required: bool, action: ServerAction<RequireTwoStep>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let value = action.value();
    let problem = server_problem(value, "required");
    let (status, button, next) = if required {
        (
            t.organization_two_step_required,
            t.stop_requiring_two_step,
            "false",
        )
    } else {
        (t.organization_two_step_optional, t.require_two_step, "true")
    };
    view! {
        <section class="card">
            <h2>{t.organization_two_step}</h2>
            <p>{status}</p>
            <ActionForm action=action>
                <FormError value />
                <p class="field-error" aria-live="polite">
                    {move || {
                        problem.get().map(|problem| problem.text(lang))
                    }}
                </p>
                <input type="hidden" name="required" value=next />
                <p class="note">{t.two_step_password_note}</p>
                <Field
                    id="rule-password"
                    label=t.password
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    problem=server_problem(value, "password")
                />
                <button type="submit">{button}</button>
            </ActionForm>
        </section>
    }
}
