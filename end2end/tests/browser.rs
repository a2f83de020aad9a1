//! Browser tests: real headless Chromium, driven through WebDriver, against the real
//! `rampart` binary (demo mode, `serve` scanning a moto account, and `serve` behind sign-in
//! with moto's Cognito).
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use rampart_end2end::webdriver::{Browser, free_port};
use rampart_engine::testing::moto::MotoServer;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `rampart` binary of this build (next to the test's deps folder), or `RAMPART_BIN`.
fn rampart_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("RAMPART_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("rampart");
    assert!(
        bin.exists(),
        "{} not built: run `cargo build -p rampart` (scripts/test does)",
        bin.display()
    );
    bin
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str], env: &[(&str, String)]) -> Server {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut cmd = Command::new(rampart_bin());
    cmd.args(args)
        .arg("--listen")
        .arg(&listen)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap();
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(&listen).is_err() {
        assert!(Instant::now() < deadline, "rampart did not start listening");
        std::thread::sleep(Duration::from_millis(100));
    }
    Server { child, base }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_goes_from_the_overview_to_a_finding_and_exports_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let server = start(
        &["demo", "--history", "2", "--database", db.to_str().unwrap()],
        &[],
    );
    let browser = Browser::start().await.unwrap();
    browser.goto(&server.base).await.unwrap();
    assert_eq!(browser.title().await.unwrap(), "Overview · Rampart");
    let banner = browser
        .find(".demo-banner")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(banner.contains("Demo mode"));
    let rows = browser.find_all("table.accounts tbody tr").await.unwrap();
    assert_eq!(rows.len(), 6);

    // Overview → the production account.
    browser
        .find("a.account-name[href='/accounts/666677778888']")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("/accounts/666677778888", Duration::from_secs(10))
        .await
        .unwrap();
    let h1 = browser.find("h1").await.unwrap().text().await.unwrap();
    assert_eq!(h1, "acme-sandbox");
    let comparison = browser
        .find("table.comparison")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(comparison.contains("us-east-1"), "{comparison}");

    // → its failed findings, then filter to high severity with the form.
    browser
        .find("a.button[href^='/findings?account=']")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("/findings?account=666677778888", Duration::from_secs(10))
        .await
        .unwrap();
    let select = browser
        .find("select[name=severity] option[value=high]")
        .await
        .unwrap();
    select.click().await.unwrap();
    browser
        .find("#filters button[type=submit]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("severity=high", Duration::from_secs(10))
        .await
        .unwrap();
    let severities = browser
        .find_all("table.findings tbody .badge.sev-high")
        .await
        .unwrap();
    let all_rows = browser.find_all("table.findings tbody tr").await.unwrap();
    assert!(!all_rows.is_empty());
    assert_eq!(
        severities.len(),
        all_rows.len(),
        "only high findings are listed"
    );

    // → a finding's detail.
    let link = browser.find("a.finding-link").await.unwrap();
    let title = link.text().await.unwrap();
    link.click().await.unwrap();
    browser
        .wait_for_url("/findings/", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(
        browser.find("h1").await.unwrap().text().await.unwrap(),
        title
    );
    let page = browser.source().await.unwrap();
    assert!(page.contains("How to fix it") && page.contains("History across scans"));

    // Back to the filtered list and export it as CSV: the file has the listed rows.
    browser
        .goto(&format!(
            "{}/findings?account=666677778888&severity=high",
            server.base
        ))
        .await
        .unwrap();
    let listed = browser
        .find_all("table.findings tbody tr")
        .await
        .unwrap()
        .len();
    browser
        .find("a[href^='/export/findings.csv']")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file = browser
        .wait_for_download("csv", Duration::from_secs(20))
        .await
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), listed);
    assert!(
        records
            .iter()
            .all(|r| &r[0] == "666677778888" && &r[5] == "high")
    );
    browser.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_chosen_in_the_compliance_filter_downloads_as_that_teams_pdf_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let server = start(
        &["demo", "--history", "1", "--database", db.to_str().unwrap()],
        &[],
    );
    let browser = Browser::start().await.unwrap();
    browser
        .goto(&format!("{}/compliance?framework=aws-fsbp", server.base))
        .await
        .unwrap();
    let scope = browser.find("#filter-scope").await.unwrap();
    assert_eq!(scope.text().await.unwrap(), "All accounts · 6 accounts");

    // Choose the payments team in the filter form and submit it.
    browser
        .find("#compliance-filter select[name=team] option[value=payments]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .find("#compliance-filter button[type=submit]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("team=payments", Duration::from_secs(10))
        .await
        .unwrap();
    let url = browser.current_url().await.unwrap();
    assert!(
        url.contains("framework=aws-fsbp"),
        "the framework is kept: {url}"
    );
    let scope = browser.find("#filter-scope").await.unwrap();
    assert_eq!(scope.text().await.unwrap(), "Team payments · 2 accounts");
    let columns = browser
        .find_all("table.compliance thead th.account-col")
        .await
        .unwrap();
    assert_eq!(columns.len(), 2);

    // Its PDF report link carries the filter; the download is a PDF.
    let pdf = browser
        .find("a[href^='/reports/compliance.pdf']")
        .await
        .unwrap();
    assert_eq!(
        pdf.attr("href").await.unwrap().as_deref(),
        Some("/reports/compliance.pdf?framework=aws%2Dfsbp&team=payments")
    );
    pdf.click().await.unwrap();
    let file = browser
        .wait_for_download("pdf", Duration::from_secs(120))
        .await
        .unwrap();
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "{}", file.display());
    browser.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_now_scans_a_linked_account_in_moto_and_shows_the_result() {
    let moto = MotoServer::shared();
    let acct = moto.new_account().await;
    let dir = tempfile::tempdir().unwrap();
    let accounts = serde_json::json!([{
        "id": acct.account_id,
        "name": "moto-linked",
        "environment": "test",
        "role_arn": acct.role_arn,
        "external_id": "rampart-test",
        "regions": ["us-east-1"],
    }]);
    let env = [
        ("AWS_ENDPOINT_URL", moto.endpoint.clone()),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE".to_owned()),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
        ),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_MAX_ATTEMPTS", "2".to_owned()),
        (
            "AWS_CONFIG_FILE",
            "/nonexistent/rampart-test-config".to_owned(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rampart-test-credentials".to_owned(),
        ),
        ("RAMPART_ACCOUNTS", accounts.to_string()),
        (
            "RAMPART_DATABASE_URL",
            dir.path().join("r.db").display().to_string(),
        ),
    ];
    let server = start(&["serve", "--insecure-no-auth"], &env);
    let browser = Browser::start().await.unwrap();
    browser
        .goto(&format!("{}/accounts/{}", server.base, acct.account_id))
        .await
        .unwrap();
    assert!(
        browser
            .source()
            .await
            .unwrap()
            .contains("No finished scan yet")
    );
    browser
        .find("form[action$='/scan'] button")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The page shows progress and refreshes itself until the scan is stored.
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let page = browser.source().await.unwrap();
        if page.contains("Scan details") {
            break;
        }
        assert!(!page.contains("failed</span>"), "scan failed: {page}");
        assert!(Instant::now() < deadline, "scan did not finish");
        tokio::time::sleep(Duration::from_secs(1)).await;
        if !page.contains("Scan running") {
            browser
                .goto(&format!("{}/accounts/{}", server.base, acct.account_id))
                .await
                .unwrap();
        }
    }
    let api: serde_json::Value =
        reqwest::get(format!("{}/api/accounts/{}", server.base, acct.account_id))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert!(
        matches!(
            api["latest"]["status"].as_str(),
            Some("succeeded" | "partial")
        ),
        "{api}"
    );
    assert_eq!(api["latest"]["source"], "scan");
    assert!(
        api["latest"]["failed"].as_i64().unwrap() > 0,
        "a fresh moto account fails checks"
    );
    assert!(!api["coverage"]["regions"].as_array().unwrap().is_empty());
    browser.quit().await.unwrap();
}

/// A user pool in its own moto account with an app client for the password flow and the
/// user `alice` (password set, in `rampart-analyst`); the server's environment to use it.
async fn signin_pool(moto: &MotoServer) -> Vec<(&'static str, String)> {
    use aws_credential_types::provider::ProvideCredentials;
    use aws_sdk_cognitoidentityprovider::types::{ExplicitAuthFlowsType, MessageActionType};
    let account = moto.new_account().await;
    let idp = account.cognito("us-east-1");
    let pool = idp
        .create_user_pool()
        .pool_name("rampart-browser")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client_id = idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("dashboard")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    idp.admin_create_user()
        .user_pool_id(&pool)
        .username("alice")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    idp.admin_set_user_password()
        .user_pool_id(&pool)
        .username("alice")
        .password("Correct-Horse-9")
        .permanent(true)
        .send()
        .await
        .unwrap();
    idp.create_group()
        .user_pool_id(&pool)
        .group_name("rampart-analyst")
        .send()
        .await
        .unwrap();
    idp.admin_add_user_to_group()
        .user_pool_id(&pool)
        .username("alice")
        .group_name("rampart-analyst")
        .send()
        .await
        .unwrap();
    // The server reaches the pool with that account's credentials (moto keeps pools per
    // account; real Cognito needs none for these calls).
    let creds = account
        .sdk
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    vec![
        ("AWS_ENDPOINT_URL", moto.endpoint.clone()),
        ("AWS_ACCESS_KEY_ID", creds.access_key_id().to_owned()),
        (
            "AWS_SECRET_ACCESS_KEY",
            creds.secret_access_key().to_owned(),
        ),
        (
            "AWS_SESSION_TOKEN",
            creds.session_token().unwrap_or_default().to_owned(),
        ),
        ("AWS_REGION", "us-east-1".to_owned()),
        (
            "AWS_CONFIG_FILE",
            "/nonexistent/rampart-test-config".to_owned(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rampart-test-credentials".to_owned(),
        ),
        ("RAMPART_COGNITO_REGION", "us-east-1".to_owned()),
        ("RAMPART_COGNITO_USER_POOL_ID", pool.clone()),
        ("RAMPART_COGNITO_CLIENT_ID", client_id),
        (
            "RAMPART_COGNITO_JWKS_URL",
            format!("{}/{pool}/.well-known/jwks.json", moto.endpoint),
        ),
        ("RAMPART_SESSION_COOKIE_SECURE", "false".to_owned()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_signs_in_through_the_form_and_lands_on_the_page_they_asked_for() {
    let moto = MotoServer::shared();
    let dir = tempfile::tempdir().unwrap();
    let mut env = signin_pool(moto).await;
    env.push((
        "RAMPART_DATABASE_URL",
        dir.path().join("r.db").display().to_string(),
    ));
    let server = start(&["serve"], &env);
    let browser = Browser::start().await.unwrap();

    // Signed out, the overview sends the browser to the sign-in form.
    browser.goto(&server.base).await.unwrap();
    browser
        .wait_for_url("/signin", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(browser.title().await.unwrap(), "Sign in · Rampart");

    // A wrong password: one generic message, still on the form.
    let sign_in = |password: &'static str| {
        let browser = &browser;
        async move {
            let user = browser.find("input[name='username']").await.unwrap();
            user.clear().await.unwrap();
            user.send_keys("alice").await.unwrap();
            browser
                .find("input[name='password']")
                .await
                .unwrap()
                .send_keys(password)
                .await
                .unwrap();
            browser
                .find("form[action='/signin'] button[type='submit']")
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
    };
    sign_in("not-the-password").await;
    let alert = browser
        .find("[role='alert']")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(alert, "Incorrect username or password.");

    // Asked for the findings of high severity: after signing in, there they are.
    browser
        .goto(&format!("{}/findings?severity=high", server.base))
        .await
        .unwrap();
    browser
        .wait_for_url("/signin", Duration::from_secs(10))
        .await
        .unwrap();
    sign_in("Correct-Horse-9").await;
    let url = browser
        .wait_for_url("/findings?severity=high", Duration::from_secs(20))
        .await
        .unwrap();
    assert!(url.ends_with("/findings?severity=high"), "{url}");
    let page = browser.source().await.unwrap();
    assert!(
        page.contains("alice") && page.contains("Sign out"),
        "{page}"
    );

    // The overview, then sign out through the header's form.
    browser.goto(&server.base).await.unwrap();
    assert_eq!(browser.title().await.unwrap(), "Overview · Rampart");
    browser
        .find("form[action='/signout'] button")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("/signin", Duration::from_secs(10))
        .await
        .unwrap();
    browser.goto(&server.base).await.unwrap();
    browser
        .wait_for_url("/signin", Duration::from_secs(10))
        .await
        .unwrap();
    browser.quit().await.unwrap();
}

/// The text of the first element matching `css`.
async fn text_of(browser: &Browser, css: &str) -> String {
    browser.find(css).await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_mutes_a_failed_finding_with_a_reason_and_unmutes_it_from_the_mutes_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let server = start(
        &["demo", "--history", "1", "--database", db.to_str().unwrap()],
        &[],
    );
    let browser = Browser::start().await.unwrap();
    browser
        .goto(&format!(
            "{}/findings?account=666677778888&status=FAIL",
            server.base
        ))
        .await
        .unwrap();
    // The list is paged: count through its JSON twin.
    let failing = || async {
        let page: serde_json::Value = reqwest::get(format!(
            "{}/api/findings?account=666677778888&status=FAIL",
            server.base
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        page["total"].as_i64().unwrap()
    };
    let failing_before = failing().await;
    assert!(failing_before > 0);
    browser
        .find("a.finding-link")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let finding_url = browser
        .wait_for_url("/findings/", Duration::from_secs(10))
        .await
        .unwrap();
    assert!(text_of(&browser, ".badges").await.contains("FAIL"));

    // Open the mute form and fill it in; the resource is this finding's, already filled.
    browser
        .find("details.mute summary")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let reason = "Vendor role kept until the vendor moves to external ids (RISK-7)";
    browser
        .find("#mute-reason")
        .await
        .unwrap()
        .send_keys(reason)
        .await
        .unwrap();
    browser
        .find("#mute-owner")
        .await
        .unwrap()
        .send_keys("ciso@acme.example")
        .await
        .unwrap();
    let expires = (chrono::Utc::now() + chrono::Duration::days(60))
        .format("%Y-%m-%d")
        .to_string();
    // The date picker is the browser's own widget: set the value it would produce.
    browser
        .execute(&format!(
            "document.querySelector('#mute-expires').value = '{expires}'; return null;"
        ))
        .await
        .unwrap();
    browser
        .find(".mute-form button[type=submit]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The address does not change (the form comes back to the finding): `.mute-record`
    // appears with the new page (finding an element waits for it).
    let record = text_of(&browser, ".mute-record").await;
    assert_eq!(browser.current_url().await.unwrap(), finding_url);
    assert!(record.contains(reason), "{record}");
    assert!(record.contains(&expires), "{record}");
    assert!(text_of(&browser, ".badges").await.contains("MUTED"));
    // The failures no longer count it.
    assert_eq!(failing().await, failing_before - 1);

    // The mutes page lists it; unmuting brings the failure back.
    browser
        .goto(&format!("{}/mutes", server.base))
        .await
        .unwrap();
    let listed = browser.source().await.unwrap();
    assert!(listed.contains(reason));
    browser
        .find("form.inline button[type=submit]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The address is /mutes before and after the POST: wait for the list without it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while browser.source().await.unwrap().contains(reason) {
        assert!(
            Instant::now() < deadline,
            "the mute is still listed after unmuting"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(browser.current_url().await.unwrap().ends_with("/mutes"));
    browser.goto(&finding_url).await.unwrap();
    assert!(text_of(&browser, ".badges").await.contains("FAIL"));

    // Both changes are in the audit log.
    browser
        .goto(&format!("{}/admin/audit", server.base))
        .await
        .unwrap();
    let audit = browser.source().await.unwrap();
    assert!(audit.contains("mute_created") && audit.contains("mute_removed"));
    browser.quit().await.unwrap();
}
