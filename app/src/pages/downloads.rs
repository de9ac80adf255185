//! Software downloads: the organization's software and its files; each
//! link is checked again by the server when it is followed.

use leptos::prelude::*;

use crate::api::downloads::get_downloads;
use crate::components::{page_source, signed_in_page, Layout, TableScroll};
use crate::domain::product_label;
use crate::domain::wire::DownloadsPage;
use crate::i18n::use_lang;

/// "3.1 MB", "812 KB", "96 B".
fn size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[component]
pub fn DownloadsPage() -> impl IntoView {
    let resource = Resource::new(page_source(), |_| get_downloads());
    signed_in_page(resource, |page| view! { <DownloadsList page /> })
}

#[component]
fn DownloadsList(page: DownloadsPage) -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <Layout user=page.user.clone()>
            <h1>{t.area_downloads}</h1>
            {if page.products.is_empty() {
                view! { <section class="card"><p>{t.no_downloads}</p></section> }.into_any()
            } else {
                page.products
                    .into_iter()
                    .map(|product| {
                        view! {
                            <section class="card download">
                                <h2>{product_label(&product.product, &product.version)}</h2>
                                <TableScroll>
                                    <table class="licenses">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t.file}</th>
                                                <th scope="col">{t.size}</th>
                                                <th scope="col">"SHA-256"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {product
                                                .files
                                                .into_iter()
                                                .map(|file| {
                                                    view! {
                                                        <tr>
                                                            <td>
                                                                <a href=file.href() download=file.name.clone() rel="external">
                                                                    {t.download} " " {file.name.clone()}
                                                                </a>
                                                            </td>
                                                            <td class="amount">{size(file.size_bytes)}</td>
                                                            <td><code class="hash">{file.sha256.clone()}</code></td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </TableScroll>
                            </section>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </Layout>
    }
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_as_people_expect() {
        assert_eq!(size(96), "96 B");
        assert_eq!(size(3 << 20), "3.0 MB");
        assert_eq!(size(1536), "1.5 KB");
    }
}
