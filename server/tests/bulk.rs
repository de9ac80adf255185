//! Inviting many people at once over HTTP: the CSV rows the page's script
//! sends, and a CSV file posted as a plain form.

use crate::common::{pending_for, TestApp};
use app::both_engines;
use app::domain::Role;
use app::services::access::bulk;
use app::services::testing::TestDb;

async fn a_bulk_invite_answers_row_by_row(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry_id = app.sign_up_harry().await;
    let cookie = app.cookie_for(harry_id).await;
    let rows = serde_json::json!({ "rows": [
        { "line": 2, "email": "ana@contoso.com", "first_name": "Ana", "last_name": "Bell", "language": "fr", "country": "FR", "roles": ["Account Viewer"] },
        { "line": 3, "email": "not-an-email", "first_name": "Bad", "last_name": "Row", "language": "en", "country": "US", "roles": ["account_viewer"] },
        { "line": 4, "email": "harry@contoso.com", "first_name": "Harry", "last_name": "Roldan", "language": "en", "country": "US", "roles": ["account_viewer"] },
        { "line": 5, "email": "ana@contoso.com", "first_name": "Ana", "last_name": "Bell", "language": "fr", "country": "FR", "roles": ["account_viewer"] },
        { "line": 6, "email": "bob@contoso.com", "first_name": "Bob", "last_name": "Stone", "language": "en", "country": "US", "roles": ["superuser"] }
    ]});
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/api/bulk_invite")
        .header("content-type", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", &cookie)
        .body(axum::body::Body::from(rows.to_string()))
        .expect("request");
    let reply = app.send(request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let results: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    let outcomes: Vec<String> = results
        .as_array()
        .expect("a list")
        .iter()
        .map(|row| match &row["outcome"] {
            serde_json::Value::String(name) => name.clone(),
            other => other
                .as_object()
                .and_then(|o| o.keys().next().cloned())
                .unwrap_or_default(),
        })
        .collect();
    assert_eq!(
        outcomes,
        ["Invited", "Refused", "AlreadyUser", "Resent", "Refused"],
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("Enter an email address"),
        "{}",
        reply.body
    );
    assert_eq!(
        pending_for(&app, "ana@contoso.com").await,
        2,
        "invited then resent: {}",
        app.t.engine
    );
    app.close().await;
}
both_engines!(a_bulk_invite_answers_row_by_row);

/// Waits for the job of `run` to finish (the server function started it).
async fn finished(app: &TestApp, sender: &app::services::current_user::CurrentUser, run: i64) {
    let actor = app::services::testing::actor(sender);
    for _ in 0..200 {
        bulk::work(&app.state).await.expect("work");
        let seen = bulk::run_results(&app.state, &actor, run).await;
        if seen.expect("read").is_some_and(|run| run.finished()) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("run {run} did not finish");
}

/// A CSV file posted as the page's form posts it, without script.
fn csv_file_post(cookie: &str, csv: &str) -> axum::http::Request<axum::body::Body> {
    let boundary = "----bulk-boundary-7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    axum::http::Request::builder()
        .method("POST")
        .uri("/api/bulk_invite_file")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("accept", "text/html")
        .header("referer", "http://127.0.0.1:3000/manage-access")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie)
        .body(axum::body::Body::from(body))
        .expect("request")
}

async fn a_csv_file_sent_as_a_form_comes_back_with_a_result_per_row(t: TestDb) {
    let app = TestApp::new(t, "http://127.0.0.1:3000", false).await;
    let harry = app.user(app.sign_up_harry().await).await;
    let cookie = app.cookie_for(harry.id).await;
    let csv = "email,first name,last name,language,country,roles\n\
               ana@contoso.com,Ana,Bell,fr,FR,Account Viewer\n\
               not-an-email,Bad,Row,en,US,account_viewer\n";
    let reply = app.send(csv_file_post(&cookie, csv)).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let location = reply.header("location").expect("a redirect").to_owned();
    let run = location
        .strip_prefix("/manage-access?bulk=")
        .and_then(|run| run.parse::<i64>().ok())
        .expect("the run's page");
    // The form comes back at once; the job goes on meanwhile.
    finished(&app, &harry, run).await;
    assert_eq!(pending_for(&app, "ana@contoso.com").await, 1);

    let page = app.get(&location, Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Rows processed: 2 / 2"), "{}", page.body);
    assert!(
        page.body.contains("Enter an email address"),
        "{}",
        page.body
    );

    // The results are the sender's: a colleague sees the page without them.
    let (_, ursula) = app
        .signed_in_member(&harry, "ursula@contoso.com", &[Role::UserAdmin])
        .await;
    let theirs = app.get(&location, Some(&ursula)).await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.body.contains("Rows processed"), "{}", theirs.body);

    // An empty file is refused next to the file field, and invites nobody.
    let empty = app
        .send(csv_file_post(
            &cookie,
            "email,first name,last name,language,country,roles\n",
        ))
        .await;
    assert_eq!(empty.status, 302, "{}", empty.body);
    let back = empty
        .header("location")
        .expect("back to the form")
        .to_owned();
    assert!(back.contains("__err="), "{back}");
    let page = app
        .get(
            back.trim_start_matches("http://127.0.0.1:3000"),
            Some(&cookie),
        )
        .await;
    assert!(
        page.body
            .contains("Choose a CSV file with at least one person in it."),
        "{}",
        page.body
    );
    app.close().await;
}
both_engines!(a_csv_file_sent_as_a_form_comes_back_with_a_result_per_row);
