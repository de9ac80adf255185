//! Benchmark: one organization with 100 000 users; how long the server
//! takes to answer the Manage users list, page by page, through the real
//! router. Run by `scripts/bench`; not a test, nothing here passes or fails.
//!
//! SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::server::testing::{sign_up_harry, TestDb};
use app::server::{password::Hasher, sessions, AppState, Clock, Settings};
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

const USERS: usize = 100_000;
const RUNS: usize = 30;
const NOW: i64 = 1_795_000_000;

#[tokio::main]
async fn main() {
    let mut databases = vec![TestDb::sqlite().await];
    databases.extend(TestDb::postgres().await);
    for t in databases {
        bench(&t).await;
        t.close().await;
    }
}

async fn bench(t: &TestDb) {
    let state = AppState {
        db: t.db.clone(),
        settings: Arc::new(Settings {
            public_url: url::Url::parse("http://127.0.0.1:3000").expect("valid URL"),
            dev_mailbox: false,
            downloads_dir: std::env::temp_dir().join("bc-bench-downloads"),
        }),
        hasher: Hasher::default(),
        clock: Clock::fixed(NOW),
        mail_ready: Arc::new(tokio::sync::Notify::new()),
        leptos_options: LeptosOptions::builder()
            .output_name("business-center")
            .build(),
    };
    let harry = sign_up_harry(&state.db, &state.settings, &state.hasher, NOW).await;
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
        "\n{}: {USERS} users in one organization, filled in {:.1} s",
        t.engine,
        filling.elapsed().as_secs_f64()
    );

    let secret = sessions::create(&state.db, harry, NOW)
        .await
        .expect("session");
    let cookie = format!("bc_session={secret}");
    let router = server::router(state);
    for (label, search, after) in [
        ("first page", "", ""),
        ("page in the middle", "", "user050000@contoso.com"),
        ("last page", "", "user099990@contoso.com"),
        ("search by name (substring)", "last077", ""),
        ("search by email (substring)", "user0999", ""),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        let mut rows = 0;
        for _ in 0..RUNS {
            let body = format!("search={search}&after={}", after.replace('@', "%40"));
            let request = Request::builder()
                .method("POST")
                .uri("/api/list_people")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .header("cookie", &cookie)
                .body(Body::from(body))
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
            rows = String::from_utf8_lossy(&bytes).matches("\"email\"").count();
        }
        times.sort();
        println!(
            "  {label:<30} median {:>7.2} ms   p95 {:>7.2} ms   ({rows} rows)",
            ms(times[RUNS / 2]),
            ms(times[RUNS * 95 / 100])
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
