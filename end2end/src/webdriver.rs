//! A small W3C WebDriver client, enough to drive a real headless Chromium in tests: navigate,
//! find elements by CSS selector, click, type, read text and attributes, take screenshots and
//! collect downloads.
//!
//! [`Browser::start`] runs Debian's `chromedriver` on a free loopback port and opens a session
//! with `/usr/bin/chromium` (headless, no sandbox since tests run as root, a private profile
//! and a private download folder). `chromedriver` runs under a small bash wrapper in a process
//! group of its own whose standard input is a pipe from this process: dropping the
//! [`Browser`], or this process exiting however it exits, closes the pipe and the wrapper kills
//! the whole group, Chromium included.

use anyhow::{Context, Result, anyhow, bail};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// How long [`Browser::find`] and [`Element::find`] wait for an element to appear.
pub const FIND_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one WebDriver command may take (page loads included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The key of a web element reference in WebDriver JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Runs chromedriver (`$1` binary, `$2` port, `$3` log file `*.log`) in a new session, with
/// `HOME` and the XDG folders inside the profile folder (`$4`) so Chromium writes nothing to
/// the real home. When this wrapper's stdin reaches end of file (its owner dropped the handle
/// or exited), it kills chromedriver's whole process group, Chromium included, and removes the
/// folders given from `$4` on (the profile and download folders). If chromedriver exits first,
/// it kills the group, writes the exit status to `*.exited` beside the log for the owner to
/// report, and removes the folders once the owner is gone.
const WRAPPER: &str = r#"
set -u
driver_bin=$1 port=$2 log=$3
shift 3
home="$1/home"
mkdir -p "$home"
HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" \
  setsid "$driver_bin" --port="$port" </dev/null >>"$log" 2>&1 &
driver=$!
owner_gone=0
while :; do
  if ! kill -0 "$driver" 2>/dev/null; then
    wait "$driver"
    echo "$?" >"${log%.log}.exited"
    break
  fi
  read -r -t 1 _
  if [ "$?" -le 128 ]; then owner_gone=1; break; fi
done
kill -KILL -- "-$driver" 2>/dev/null
for _ in $(seq 50); do
  kill -0 -- "-$driver" 2>/dev/null || break
  sleep 0.1
done
if [ "$owner_gone" = 0 ]; then read -r _; fi
rm -rf "$@"
"#;

/// A free TCP port on the loopback interface, as the OS hands one out for port 0 (another
/// process may still take it before the caller binds it; starters here retry once then).
pub fn free_port() -> u16 {
    for _ in 0..10 {
        if let Ok(listener) = std::net::TcpListener::bind(("127.0.0.1", 0))
            && let Ok(addr) = listener.local_addr()
        {
            return addr.port();
        }
    }
    // No loopback socket at all: the caller's own bind will report the real problem.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    49152 + u16::try_from((std::process::id() ^ nanos) % 16384).unwrap_or_default()
}

/// An error answered by chromedriver, as the W3C protocol reports it. Every method returns it
/// inside the `anyhow::Error` (downcast to tell `no such element` from other failures).
#[derive(Debug, thiserror::Error)]
#[error("webdriver `{command}`: {error}: {message}")]
pub struct WebDriverError {
    /// The command, such as `POST /element`.
    pub command: String,
    /// The W3C error code, such as `no such element` or `stale element reference`.
    pub error: String,
    /// Chromedriver's explanation.
    pub message: String,
}

/// One WebDriver session: where to send commands.
#[derive(Clone, Debug)]
struct Session {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`
    url: String,
}

impl Session {
    /// Sends a command and returns the `value` of its answer.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value> {
        call(
            &self.http,
            method,
            &format!("{}{path}", self.url),
            path,
            body,
        )
        .await
    }
}

/// Sends one WebDriver command to `url`; `path` names it in errors.
async fn call(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    path: &str,
    body: Option<Value>,
) -> Result<Value> {
    let command = format!("{method} {path}");
    let mut request = http.request(method.clone(), url);
    if method == Method::POST {
        request = request.json(&body.unwrap_or_else(|| json!({})));
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("webdriver `{command}`: sending"))?;
    let status = response.status();
    let mut answer: Value = response
        .json()
        .await
        .with_context(|| format!("webdriver `{command}`: reading the answer ({status})"))?;
    let value = answer.get_mut("value").map(Value::take).unwrap_or_default();
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        return Err(WebDriverError {
            command,
            error: error.to_owned(),
            message: value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        }
        .into());
    }
    if !status.is_success() {
        bail!("webdriver `{command}`: HTTP {status}: {value}");
    }
    Ok(value)
}

/// The `chromedriver` process and its wrapper.
struct Driver {
    wrapper: Child,
    /// Closing it makes the wrapper kill chromedriver and Chromium.
    stdin: Option<ChildStdin>,
    log: PathBuf,
}

impl Driver {
    /// Starts chromedriver on `port`; `folders` (the profile first) are removed when it stops.
    fn spawn(port: u16, folders: [&Path; 2]) -> Result<Driver> {
        let log = folders[0].join("chromedriver.log");
        let mut wrapper = Command::new("bash")
            .arg("-c")
            .arg(WRAPPER)
            .arg("rampart-chromedriver")
            .arg(CHROMEDRIVER)
            .arg(port.to_string())
            .arg(&log)
            .args(folders)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .context("starting the chromedriver wrapper (bash)")?;
        let stdin = wrapper.stdin.take();
        Ok(Driver {
            wrapper,
            stdin,
            log,
        })
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_else(|e| format!("(no chromedriver log: {e})"))
    }

    /// Waits until chromedriver answers `/status` with `ready`.
    async fn wait_ready(&self, http: &reqwest::Client, base: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(status) = std::fs::read_to_string(self.log.with_extension("exited")) {
                bail!(
                    "chromedriver exited with status {}; its log:\n{}",
                    status.trim(),
                    self.log()
                );
            }
            let url = format!("{base}/status");
            if let Ok(status) = call(http, Method::GET, &url, "/status", None).await
                && status.get("ready").and_then(Value::as_bool) == Some(true)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "chromedriver was not ready within 30 s; its log:\n{}",
                    self.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.wrapper.wait();
    }
}

/// A headless Chromium driven through chromedriver, with its own profile and download folder.
/// Dropping it kills chromedriver and Chromium; [`Browser::quit`] closes the session first.
pub struct Browser {
    session: Session,
    /// Declared before the folders so it stops before they are removed.
    _driver: Driver,
    downloads: DownloadFolder,
    _profile: tempfile::TempDir,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("session", &self.session.url)
            .field("downloads", &self.downloads.dir.path())
            .finish_non_exhaustive()
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    pub async fn start() -> Result<Browser> {
        let mut attempt = 1;
        loop {
            match Self::try_start().await {
                // Another process took the free port between our probe and chromedriver's bind.
                Err(e) if attempt < 3 && format!("{e:#}").contains("port not available") => {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn try_start() -> Result<Browser> {
        for program in [CHROMEDRIVER, CHROMIUM] {
            if !Path::new(program).exists() {
                bail!("{program} is missing: run scripts/ensure-chromium");
            }
        }
        let profile = tempfile::Builder::new()
            .prefix("rampart-chromium-")
            .tempdir()
            .context("creating the browser profile folder")?;
        let downloads = tempfile::Builder::new()
            .prefix("rampart-downloads-")
            .tempdir()
            .context("creating the download folder")?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .context("building the HTTP client")?;
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let driver = Driver::spawn(port, [profile.path(), downloads.path()])?;
        driver.wait_ready(&http, &base).await?;

        let download_dir = downloads.path().display().to_string();
        let user_data_dir = profile.path().join("user-data");
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--window-size=1366,900",
                            format!("--user-data-dir={}", user_data_dir.display()),
                        ],
                        "prefs": {
                            "download.default_directory": download_dir,
                            "download.prompt_for_download": false,
                            "download.directory_upgrade": true,
                        },
                    },
                },
            },
        });
        let url = format!("{base}/session");
        let created = call(&http, Method::POST, &url, "/session", Some(capabilities))
            .await
            .with_context(|| format!("creating a session; chromedriver log:\n{}", driver.log()))?;
        let id = created
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("no sessionId in the new session: {created}"))?;
        let session = Session {
            http,
            url: format!("{base}/session/{id}"),
        };
        // Headless Chromium may ignore the download preferences; this makes downloads land.
        session
            .call(
                Method::POST,
                "/goog/cdp/execute",
                Some(json!({
                    "cmd": "Browser.setDownloadBehavior",
                    "params": { "behavior": "allow", "downloadPath": download_dir },
                })),
            )
            .await
            .context("allowing downloads")?;
        Ok(Browser {
            session,
            _driver: driver,
            downloads: DownloadFolder::new(downloads),
            _profile: profile,
        })
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.session
            .call(Method::POST, "/url", Some(json!({ "url": url })))
            .await
            .with_context(|| format!("opening {url}"))?;
        Ok(())
    }

    /// Goes back one page in history.
    pub async fn back(&self) -> Result<()> {
        self.session.call(Method::POST, "/back", None).await?;
        Ok(())
    }

    /// The address of the current page.
    pub async fn current_url(&self) -> Result<String> {
        string(self.session.call(Method::GET, "/url", None).await?)
    }

    /// The current page's `<title>`.
    pub async fn title(&self) -> Result<String> {
        string(self.session.call(Method::GET, "/title", None).await?)
    }

    /// The current page's HTML, as the browser serialises its DOM.
    pub async fn source(&self) -> Result<String> {
        string(self.session.call(Method::GET, "/source", None).await?)
    }

    /// The first element matching the CSS selector, waiting up to [`FIND_TIMEOUT`] for it.
    pub async fn find(&self, css: &str) -> Result<Element> {
        find(&self.session, "", css).await
    }

    /// Every element matching the CSS selector now (no waiting; may be empty).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        find_all(&self.session, "", css).await
    }

    /// Runs JavaScript in the page (`arguments` is empty) and returns its result.
    pub async fn execute(&self, script: &str) -> Result<Value> {
        let body = json!({ "script": script, "args": [] });
        self.session
            .call(Method::POST, "/execute/sync", Some(body))
            .await
    }

    /// Waits until the current address contains `part`; returns that address.
    pub async fn wait_for_url(&self, part: &str, timeout: Duration) -> Result<String> {
        self.wait_for_url_matching(|url| url.contains(part), timeout)
            .await
            .with_context(|| format!("waiting for an address containing `{part}`"))
    }

    /// Waits until the current address satisfies `matches`; returns that address.
    pub async fn wait_for_url_matching(
        &self,
        matches: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let url = self.current_url().await?;
            if matches(&url) {
                return Ok(url);
            }
            if Instant::now() > deadline {
                bail!("still at {url} after {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Saves a PNG screenshot of the viewport to `path`.
    pub async fn screenshot_png(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let encoded = string(self.session.call(Method::GET, "/screenshot", None).await?)?;
        let png = decode_base64(&encoded).context("decoding the screenshot")?;
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// The folder downloads land in (removed with the browser).
    pub fn download_dir(&self) -> &Path {
        self.downloads.dir.path()
    }

    /// Waits for a finished download with extension `ext` (`csv` or `.csv`) that no earlier
    /// call returned, and returns its path. Files still being written (`.crdownload`) are
    /// ignored.
    pub async fn wait_for_download(&self, ext: &str, timeout: Duration) -> Result<PathBuf> {
        let ext = ext.trim_start_matches('.');
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = self.downloads.new_download(ext)? {
                return Ok(found);
            }
            if Instant::now() > deadline {
                // Name what is there (an unfinished `.crdownload` means the body broke off).
                let mut present: Vec<String> = std::fs::read_dir(self.download_dir())
                    .map(|entries| {
                        entries
                            .filter_map(|e| {
                                e.ok().map(|e| e.file_name().to_string_lossy().into_owned())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                present.sort();
                bail!(
                    "no new finished `.{ext}` download in {} after {timeout:?} (folder holds: {})",
                    self.download_dir().display(),
                    if present.is_empty() {
                        "nothing".to_owned()
                    } else {
                        present.join(", ")
                    }
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Closes the session (Chromium exits), then stops chromedriver.
    pub async fn quit(self) -> Result<()> {
        self.session
            .call(Method::DELETE, "", None)
            .await
            .context("closing the session")?;
        Ok(())
    }
}

/// The browser's download folder and what [`Browser::wait_for_download`] saw in it.
struct DownloadFolder {
    dir: tempfile::TempDir,
    /// Downloads already handed out.
    seen: Mutex<HashSet<PathBuf>>,
    /// Each candidate download's size at the last poll (`None`: unreadable).
    sizes: Mutex<HashMap<PathBuf, Option<u64>>>,
}

impl DownloadFolder {
    fn new(dir: tempfile::TempDir) -> Self {
        Self {
            dir,
            seen: Mutex::new(HashSet::new()),
            sizes: Mutex::new(HashMap::new()),
        }
    }

    /// A download counts as finished once no `.crdownload` is left in the folder and its size
    /// held still between two polls: Chromium reserves the final name with an empty file
    /// while the body still streams into `<name>.crdownload`, so the final name alone can be
    /// read too early.
    fn new_download(&self, ext: &str) -> Result<Option<PathBuf>> {
        let dir = self.dir.path();
        let entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("listing {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        let mut sizes = self
            .sizes
            .lock()
            .map_err(|_| anyhow!("download bookkeeping poisoned by a panic"))?;
        if entries
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "crdownload"))
        {
            sizes.clear();
            return Ok(None);
        }
        let mut done: Vec<PathBuf> = entries
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)))
            .collect();
        done.sort();
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| anyhow!("download bookkeeping poisoned by a panic"))?;
        for path in done {
            if seen.contains(&path) {
                continue;
            }
            let size = std::fs::metadata(&path).map(|m| m.len()).ok();
            let steady = size.is_some() && sizes.get(&path) == Some(&size);
            sizes.insert(path.clone(), size);
            if steady {
                seen.insert(path.clone());
                return Ok(Some(path));
            }
        }
        Ok(None)
    }
}

/// An element of the current page (stale once the page changes).
#[derive(Clone, Debug)]
pub struct Element {
    session: Session,
    id: String,
}

impl Element {
    async fn call(&self, method: Method, what: &str, body: Option<Value>) -> Result<Value> {
        let path = format!("/element/{}{what}", self.id);
        self.session.call(method, &path, body).await
    }

    /// Clicks it (in its centre, scrolled into view), like a user: follows links, submits forms.
    pub async fn click(&self) -> Result<()> {
        self.call(Method::POST, "/click", None).await?;
        Ok(())
    }

    /// Its rendered text (what a user sees, whitespace as rendered).
    pub async fn text(&self) -> Result<String> {
        string(self.call(Method::GET, "/text", None).await?)
    }

    /// The value of an attribute (or of the same-named property, as WebDriver defines it);
    /// `None` when absent.
    pub async fn attr(&self, name: &str) -> Result<Option<String>> {
        let value = self
            .call(Method::GET, &format!("/attribute/{name}"), None)
            .await?;
        Ok(match value {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        })
    }

    /// Types `text` into it (after focusing it); appends to what it holds.
    pub async fn send_keys(&self, text: &str) -> Result<()> {
        self.call(Method::POST, "/value", Some(json!({ "text": text })))
            .await?;
        Ok(())
    }

    /// Empties an input or textarea.
    pub async fn clear(&self) -> Result<()> {
        self.call(Method::POST, "/clear", None).await?;
        Ok(())
    }

    /// The first element inside this one matching the CSS selector, waiting up to
    /// [`FIND_TIMEOUT`].
    pub async fn find(&self, css: &str) -> Result<Element> {
        find(&self.session, &format!("/element/{}", self.id), css).await
    }

    /// Every element inside this one matching the CSS selector now.
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        find_all(&self.session, &format!("/element/{}", self.id), css).await
    }
}

/// `POST {scope}/element`, retried while the element is not there yet.
async fn find(session: &Session, scope: &str, css: &str) -> Result<Element> {
    let deadline = Instant::now() + FIND_TIMEOUT;
    let body = json!({ "using": "css selector", "value": css });
    loop {
        match session
            .call(
                Method::POST,
                &format!("{scope}/element"),
                Some(body.clone()),
            )
            .await
        {
            Ok(found) => return element(session, &found),
            Err(e)
                if Instant::now() < deadline
                    && e.downcast_ref::<WebDriverError>()
                        .is_some_and(|w| w.error == "no such element") =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e.context(format!("finding `{css}`"))),
        }
    }
}

async fn find_all(session: &Session, scope: &str, css: &str) -> Result<Vec<Element>> {
    let body = json!({ "using": "css selector", "value": css });
    let found = session
        .call(Method::POST, &format!("{scope}/elements"), Some(body))
        .await
        .with_context(|| format!("finding all `{css}`"))?;
    found
        .as_array()
        .ok_or_else(|| anyhow!("not a list of elements: {found}"))?
        .iter()
        .map(|e| element(session, e))
        .collect()
}

fn element(session: &Session, reference: &Value) -> Result<Element> {
    let id = reference
        .get(ELEMENT_KEY)
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("not an element reference: {reference}"))?;
    Ok(Element {
        session: session.clone(),
        id: id.to_owned(),
    })
}

fn string(value: Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(anyhow!("expected a string from webdriver, got {other}")),
    }
}

/// Standard base64 (with or without padding), as WebDriver encodes screenshots.
fn decode_base64(text: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => bail!("invalid base64 byte {c:#04x}"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{DownloadFolder, decode_base64};

    #[test]
    fn base64_decodes_padded_and_unpadded_text() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
        assert_eq!(decode_base64("iVBORw0KGgo=").unwrap(), b"\x89PNG\r\n\x1a\n");
        assert!(decode_base64("a$b").is_err());
    }

    #[test]
    fn a_download_is_handed_out_only_after_chromium_renamed_it_and_its_size_held_still() {
        let folder = DownloadFolder::new(tempfile::tempdir().unwrap());
        let dir = folder.dir.path().to_owned();
        // Chromium reserves the final name with an empty file while the body streams in.
        std::fs::write(dir.join("report.csv"), "").unwrap();
        std::fs::write(dir.join("report.csv.crdownload"), "account,sev").unwrap();
        assert_eq!(folder.new_download("csv").unwrap(), None);
        assert_eq!(folder.new_download("csv").unwrap(), None);

        std::fs::remove_file(dir.join("report.csv.crdownload")).unwrap();
        std::fs::write(dir.join("report.csv"), "account,severity\n").unwrap();
        // First sight: size not yet known to be steady.
        assert_eq!(folder.new_download("csv").unwrap(), None);
        assert_eq!(
            folder.new_download("csv").unwrap(),
            Some(dir.join("report.csv"))
        );
        // Handed out once only; other extensions are not looked at.
        assert_eq!(folder.new_download("csv").unwrap(), None);
        std::fs::write(dir.join("notes.txt"), "x").unwrap();
        assert_eq!(folder.new_download("csv").unwrap(), None);
    }
}
