//! Reports: what each one holds, and its CSV export.

use leptos::prelude::*;

use crate::api::reports::get_reports;
use crate::components::{page_source, signed_in_page, Layout};
use crate::domain::wire::ReportsPage;
use crate::domain::Report;
use crate::i18n::use_lang;
use crate::i18n::Texts;

fn describe(report: Report, t: &'static Texts) -> (&'static str, &'static str) {
    match report {
        Report::LicenseSummary => (t.report_license_summary, t.report_license_summary_about),
        Report::Orders => (t.area_orders, t.report_orders_about),
        Report::Keys => (t.area_keys, t.report_keys_about),
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let resource = Resource::new(page_source(), |_| get_reports());
    signed_in_page(resource, |page| view! { <ReportsList page /> })
}

#[component]
fn ReportsList(page: ReportsPage) -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <Layout user=page.user.clone()>
            <h1>{t.area_reports}</h1>
            <section class="card">
                <ul class="reports">
                    {page
                        .reports
                        .into_iter()
                        .map(|report| {
                            let (name, about) = describe(report, t);
                            view! {
                                <li class="report">
                                    <h2>{name}</h2>
                                    <p>{about}</p>
                                    // A plain link: the browser streams the file to disk.
                                    <a class="button secondary" href=report.export_path() download="" rel="external">
                                        {t.export_csv} " — " {name}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        </Layout>
    }
}
