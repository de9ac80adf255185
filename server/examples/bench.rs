//! Benchmarks, through the real router, over one organization: 100 000
//! users (the Manage users list, page by page and searched) and 100 000
//! orders of one line each (the Orders screen, paged and filtered, and the
//! streamed orders CSV export with the process's peak memory growth). Run
//! by `scripts/bench`; not a test, nothing here passes or fails.
//!
//! SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::services::testing::{TestApp, TestDb};
use app::services::AppState;
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

const USERS: usize = 100_000;
const ORDERS: usize = 100_000;
const RUNS: usize = 30;
use app::services::testing::NOW;

#[tokio::main]
async fn main() {
    for t in TestDb::all().await {
        let app = TestApp::new(t);
        let harry = app.sign_up_harry().await;
        let cookie = format!("bc_session={}", app.session_for(harry).await);
        println!("\n{}", app.engine());
        users(&app.state, harry, &cookie).await;
        orders(&app.state, &cookie).await;
        app.close().await;
    }
}

/// Times `RUNS` posts of `body` to the server function at `uri`; prints
/// the median and 95th percentile, and how many times `marker` (one per
/// row) appears in the answer.
async fn time_calls(
    router: &Router,
    cookie: &str,
    label: &str,
    uri: &str,
    body: &str,
    marker: &str,
) {
    let mut times = Vec::with_capacity(RUNS);
    let mut rows = 0;
    for _ in 0..RUNS {
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header("cookie", cookie)
            .body(Body::from(body.to_owned()))
            .expect("request");
        let started = Instant::now();
        let response = router.clone().oneshot(request).await.expect("answer");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        times.push(started.elapsed());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        rows = String::from_utf8_lossy(&bytes).matches(marker).count();
    }
    times.sort();
    println!(
        "  {label:<40} median {:>7.2} ms   p95 {:>7.2} ms   ({rows} rows)",
        ms(times[RUNS / 2]),
        ms(times[RUNS * 95 / 100])
    );
}

async fn users(state: &AppState, harry: i64, cookie: &str) {
    let (organization_id,): (i64,) =
        sqlx::query_as("SELECT organization_id FROM users WHERE id = $1")
            .bind(harry)
            .fetch_one(&state.db)
            .await
            .expect("organization");

    let filling = Instant::now();
    let mut tx = state.db.begin().await.expect("transaction");
    for batch in (0..USERS).collect::<Vec<_>>().chunks(500) {
        let values: Vec<String> = batch
            .iter()
            .map(|n| {
                format!(
                    "({organization_id}, 'user{n:06}@contoso.com', 'First{n}', 'Last{n:06}', 'en', 'US', 'x', {NOW})"
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO users (organization_id, email, first_name, last_name, language, country, \
             password_hash, created_at) VALUES {}",
            values.join(", ")
        );
        sqlx::query(&sql)
            .execute(&mut *tx)
            .await
            .expect("insert users");
        let roles: Vec<String> = batch
            .iter()
            .map(|n| format!("((SELECT id FROM users WHERE email = 'user{n:06}@contoso.com'), 'account_viewer')"))
            .collect();
        let sql = format!(
            "INSERT INTO user_roles (user_id, role) VALUES {}",
            roles.join(", ")
        );
        sqlx::query(&sql)
            .execute(&mut *tx)
            .await
            .expect("insert roles");
    }
    tx.commit().await.expect("commit");
    println!(
        "  {USERS} users in one organization, filled in {:.1} s",
        filling.elapsed().as_secs_f64()
    );

    let router = server::router(state.clone());
    for (label, search, after) in [
        ("users: first page", "", ""),
        ("users: page in the middle", "", "user050000@contoso.com"),
        ("users: last page", "", "user099990@contoso.com"),
        ("users: search by name (substring)", "last077", ""),
        ("users: search by email (substring)", "user0999", ""),
    ] {
        let body = format!("search={search}&after={}", after.replace('@', "%40"));
        time_calls(
            &router,
            cookie,
            label,
            "/api/list_people",
            &body,
            "\"email\"",
        )
        .await;
    }
}

async fn orders(state: &AppState, cookie: &str) {
    let (organization, account): (i64, i64) = sqlx::query_as(
        "SELECT a.organization_id, p.id FROM purchasing_accounts p \
         JOIN agreements a ON a.id = p.agreement_id",
    )
    .fetch_one(&state.db)
    .await
    .expect("purchasing account");

    let filling = Instant::now();
    let mut tx = state.db.begin().await.expect("transaction");
    for (n, name) in ["Office", "Windows Server", "SQL Server", "Visio", "Project"]
        .iter()
        .enumerate()
    {
        sqlx::query(
            "INSERT INTO products (id, name, version, created_at) VALUES ($1, $2, '2024', $3)",
        )
        .bind(n as i64 + 1)
        .bind(name)
        .bind(NOW)
        .execute(&mut *tx)
        .await
        .expect("product");
    }
    for batch in (0..ORDERS).collect::<Vec<_>>().chunks(500) {
        let orders: Vec<String> = batch
            .iter()
            .map(|n| {
                // One order every ten minutes, going back about two years.
                let at = NOW - (*n as i64) * 600;
                format!(
                    "({id}, {organization}, {account}, 'ORD-{n:06}', {at}, {NOW})",
                    id = n + 1
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO orders (id, organization_id, purchasing_account_id, number, ordered_at, \
             created_at) VALUES {}",
            orders.join(", ")
        ))
        .execute(&mut *tx)
        .await
        .expect("orders");
        let lines: Vec<String> = batch
            .iter()
            .map(|n| {
                format!(
                    "({}, {organization}, {}, {}, 4500, 'USD')",
                    n + 1,
                    n % 5 + 1,
                    n % 40 + 1
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO order_lines (order_id, organization_id, product_id, quantity, \
             unit_price_cents, currency) VALUES {}",
            lines.join(", ")
        ))
        .execute(&mut *tx)
        .await
        .expect("lines");
    }
    tx.commit().await.expect("commit");
    // As PostgreSQL's autovacuum would after a load this size.
    sqlx::query("ANALYZE")
        .execute(&state.db)
        .await
        .expect("analyze");
    println!(
        "  {ORDERS} orders in one organization, filled in {:.1} s",
        filling.elapsed().as_secs_f64()
    );

    let router = server::router(state.clone());
    let middle = format!("{}.{}", NOW - 50_000 * 600, 50_001);
    for (label, from, to, product, after) in [
        ("orders: first page", "", "", "", ""),
        ("orders: page in the middle", "", "", "", middle.as_str()),
        ("orders: filtered by product", "", "", "3", ""),
        (
            "orders: filtered by dates",
            "2025-06-01",
            "2025-06-30",
            "",
            "",
        ),
    ] {
        let body = format!(
            "filter[from]={from}&filter[to]={to}&filter[product]={product}\
             &filter[purchasing_account]=&after={after}"
        );
        time_calls(
            &router,
            cookie,
            label,
            "/api/get_orders",
            &body,
            "\"ordered_at\"",
        )
        .await;
    }

    // The export: read as a client would, a chunk at a time, never held.
    let baseline = rss_kib();
    let peak = Arc::new(AtomicU64::new(baseline));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let request = Request::builder()
        .uri("/reports/orders.csv")
        .header("cookie", cookie)
        .body(Body::empty())
        .expect("request");
    let started = Instant::now();
    let response = router.clone().oneshot(request).await.expect("answer");
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let (mut bytes, mut lines) = (0usize, 0usize);
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("a chunk").into_data() {
            bytes += data.len();
            lines += data.iter().filter(|byte| **byte == b'\n').count();
        }
    }
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    println!(
        "  orders CSV export: {} rows, {:.1} MB in {:.0} ms ({:.0} rows/s); peak memory growth {:.1} MB",
        lines - 1,
        bytes as f64 / 1e6,
        ms(took),
        (lines - 1) as f64 / took.as_secs_f64(),
        peak.load(Ordering::Relaxed).saturating_sub(baseline) as f64 / 1024.0
    );
}

/// The process's resident memory, in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
