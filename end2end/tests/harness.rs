//! The harness itself: throwaway PostgreSQL clusters and the WebDriver client, against a real
//! PostgreSQL and a real headless Chromium (scripts/ensure-postgres, scripts/ensure-chromium).

use rampart_end2end::postgres::PgCluster;
use rampart_end2end::webdriver::{Browser, WebDriverError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CSV: &str = "account,severity\n111122223333,high\n444455556666,low\n";

#[test]
fn a_throwaway_cluster_gives_each_database_its_own_tables_and_stops_when_dropped() {
    let cluster = PgCluster::start().unwrap();
    let alpha = cluster.create_database("alpha").unwrap();
    let beta = cluster.create_database("beta").unwrap();
    let base = format!("postgres://postgres@127.0.0.1:{}/", cluster.port());
    assert_eq!(cluster.url(), base);
    assert_eq!(alpha, format!("{base}alpha"));
    assert_eq!(beta, format!("{base}beta"));
    assert_eq!(cluster.psql(&alpha, "select 1").unwrap().trim(), "1");
    assert_eq!(cluster.psql(&beta, "select 1").unwrap().trim(), "1");

    cluster
        .psql(&alpha, "create table t (x int); insert into t values (42)")
        .unwrap();
    assert_eq!(
        cluster.psql(&alpha, "select x from t").unwrap().trim(),
        "42"
    );
    let missing = cluster.psql(&beta, "select x from t").unwrap_err();
    assert!(
        format!("{missing:#}").contains("does not exist"),
        "{missing:#}"
    );
    assert!(
        cluster.create_database("alpha").is_err(),
        "names are unique"
    );

    let port = cluster.port();
    drop(cluster);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the server stopped with its handle"
    );
}

#[test]
fn the_shared_cluster_is_started_once_per_test_process() {
    let first = PgCluster::shared().unwrap();
    let second = PgCluster::shared().unwrap();
    assert!(std::ptr::eq(first, second));
    let name = format!("shared_{}", std::process::id());
    let url = first.create_database(&name).unwrap();
    assert!(url.ends_with(&format!("/{name}")), "{url}");
    assert_eq!(first.psql(&url, "select 1").unwrap().trim(), "1");
}

#[test]
fn database_names_outside_letters_digits_and_underscore_are_refused() {
    let cluster = PgCluster::shared().unwrap();
    for bad in ["", "a-b", "a b", "x;drop", "é", &"n".repeat(64)] {
        let err = cluster.create_database(bad).unwrap_err();
        assert!(err.to_string().contains("invalid database name"), "{err}");
    }
}

/// A tiny web site: a home page with a link, a GET form and a CSV download.
async fn site() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(respond(stream));
        }
    });
    Ok(base)
}

async fn respond(mut stream: TcpStream) {
    let mut request = Vec::new();
    let mut buf = [0; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let request = String::from_utf8_lossy(&request);
    let target = request.split(' ').nth(1).unwrap_or("/");
    let page = |title: &str, body: &str| {
        format!(
            "<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"
        )
    };
    let (status, headers, body) = match target.split_once('?').unwrap_or((target, "")) {
        ("/", _) => (
            "200 OK",
            "Content-Type: text/html; charset=utf-8\r\n".to_owned(),
            page(
                "Harness home",
                r#"<h1 id="greeting">Hello, <em>harness</em></h1>
                <a id="next" href="/next">Next page</a>
                <form id="search" action="/search" method="get">
                  <input name="q" value="preset"><button type="submit">Search</button>
                </form>
                <a id="download" href="/report.csv">Download CSV</a>"#,
            ),
        ),
        ("/next", _) => (
            "200 OK",
            "Content-Type: text/html; charset=utf-8\r\n".to_owned(),
            page("Next page", r#"<p class="where">You followed the link.</p>"#),
        ),
        ("/search", query) => (
            "200 OK",
            "Content-Type: text/html; charset=utf-8\r\n".to_owned(),
            page("Results", &format!(r#"<p id="query">{query}</p>"#)),
        ),
        ("/report.csv", _) => (
            "200 OK",
            "Content-Type: text/csv\r\nContent-Disposition: attachment; filename=\"report.csv\"\r\n"
                .to_owned(),
            CSV.to_owned(),
        ),
        _ => ("404 Not Found", String::new(), String::new()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_reads_a_page_follows_a_link_submits_a_form_and_downloads_a_file() {
    let base = site().await.unwrap();
    let browser = Browser::start().await.unwrap();

    browser.goto(&base).await.unwrap();
    assert_eq!(browser.title().await.unwrap(), "Harness home");
    let greeting = browser.find("#greeting").await.unwrap();
    assert_eq!(greeting.text().await.unwrap(), "Hello, harness");
    assert_eq!(
        greeting.find("em").await.unwrap().text().await.unwrap(),
        "harness"
    );
    assert!(browser.source().await.unwrap().contains("id=\"download\""));
    let link = browser.find("a#next").await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("/next"));
    assert_eq!(link.attr("data-missing").await.unwrap(), None);
    assert_eq!(browser.find_all("a").await.unwrap().len(), 2);
    assert!(browser.find_all("table").await.unwrap().is_empty());

    // A link changes the address.
    link.click().await.unwrap();
    let url = browser
        .wait_for_url("/next", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(url, format!("{base}/next"));
    assert_eq!(browser.title().await.unwrap(), "Next page");
    browser.back().await.unwrap();
    browser
        .wait_for_url_matching(|u| u.ends_with('/'), Duration::from_secs(10))
        .await
        .unwrap();

    // A form is filled in and submitted by clicking its button.
    let input = browser.find("#search input[name=q]").await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("root").await.unwrap();
    browser
        .find("#search button")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("/search?q=root", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(
        browser.find("#query").await.unwrap().text().await.unwrap(),
        "q=root"
    );

    // A download lands, complete, in the browser's download folder.
    browser.goto(&base).await.unwrap();
    browser
        .find("#download")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file = browser
        .wait_for_download("csv", Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(file.parent().unwrap(), browser.download_dir());
    assert_eq!(file.file_name().unwrap(), "report.csv");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), CSV);
    // The same file is not handed out twice.
    assert!(
        browser
            .wait_for_download("csv", Duration::from_millis(300))
            .await
            .is_err()
    );

    let shot = tempfile::NamedTempFile::new().unwrap();
    browser.screenshot_png(shot.path()).await.unwrap();
    assert!(
        std::fs::read(shot.path())
            .unwrap()
            .starts_with(b"\x89PNG\r\n\x1a\n")
    );

    browser.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_a_missing_element_fails_with_the_webdriver_error_after_waiting() {
    let base = site().await.unwrap();
    let browser = Browser::start().await.unwrap();
    browser.goto(&format!("{base}/next")).await.unwrap();
    let started = std::time::Instant::now();
    let err = browser.find("#nowhere").await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(4), "it waited");
    let webdriver = err.downcast_ref::<WebDriverError>().unwrap();
    assert_eq!(webdriver.error, "no such element");
    assert!(format!("{err:#}").contains("#nowhere"), "{err:#}");
}
