//! Throwaway PostgreSQL clusters for tests and benchmarks, driven only through Debian's
//! PostgreSQL binaries (`initdb`, `postgres`, `pg_isready`, `createdb`, `psql`): no Rust client.
//!
//! [`PgCluster::start`] runs `initdb` into a fresh temporary directory and starts a server on a
//! free loopback port, tuned for tests (no fsync, trust authentication, 200 connections).
//! [`PgCluster::shared`] is the one cluster of a test process; with `RAMPART_TEST_PG_URL` set it
//! is that external cluster instead. Tests then take a fresh database each with
//! [`PgCluster::create_database`].
//!
//! A small bash wrapper runs `initdb` and the server; its standard input is a pipe from this
//! process. The kernel closes that pipe when this process exits however it exits (a panic, a
//! signal, a static that is never dropped), and the wrapper then stops the server
//! (`pg_ctl stop -m immediate`) and removes the cluster's directory. The wrapper runs in its own
//! process group, so a Ctrl-C aimed at `cargo test` reaches the test process only and the
//! cleanup still runs.

use anyhow::{Context, Result, anyhow, bail};
use std::fmt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The environment variable naming an external cluster for [`PgCluster::shared`]:
/// `postgres://user[:password]@host:port/` (no database; each test creates its own).
pub const EXTERNAL_URL_ENV: &str = "RAMPART_TEST_PG_URL";

/// How long a fresh server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Owns a cluster directory from `initdb` to removal. Arguments: bin dir, cluster dir, port,
/// `1` to run `initdb` and the server as the `postgres` user. Output goes to `$dir/server.log`.
/// It stops the server and removes the directory when its stdin reaches end of file, which
/// happens when the owner drops its handle or exits. If a step fails first, it writes the
/// reason to `$dir/failed` for the owner to report and keeps the directory until then.
const WRAPPER: &str = r#"
set -u
bin=$1 dir=$2 port=$3
log="$dir/server.log"
fail() {
  echo "$1" >"$dir/failed"
  read -r _
  rm -rf "$dir"
  exit 1
}
as=()
if [ "$4" = 1 ]; then
  as=(runuser -u postgres --)
  chown -R postgres: "$dir" >>"$log" 2>&1 || fail "chown -R postgres: $dir failed"
fi
"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 \
  --locale=C.UTF-8 </dev/null >>"$log" 2>&1 || fail "initdb failed"
"${as[@]}" "$bin/postgres" -D "$dir/data" -k "$dir" -h 127.0.0.1 -p "$port" -F \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
  </dev/null >>"$log" 2>&1 &
server=$!
while :; do
  if ! kill -0 "$server" 2>/dev/null; then
    wait "$server"
    fail "postgres exited with status $?"
  fi
  read -r -t 1 _
  if [ "$?" -le 128 ]; then
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" stop -m immediate -w -t 10 >/dev/null 2>&1 \
      || kill -KILL "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    break
  fi
done
rm -rf "$dir"
"#;

/// A PostgreSQL cluster for tests: either a throwaway server owned by this handle, or an
/// external cluster named by [`EXTERNAL_URL_ENV`].
pub struct PgCluster {
    /// `postgres://user[:password]@host:port/`, as libpq takes it (percent-encoded).
    base: String,
    port: u16,
    /// The newest `/usr/lib/postgresql/*/bin`, when installed (else the client tools on `PATH`).
    bin: Option<PathBuf>,
    /// `None` for an external cluster.
    server: Option<Server>,
}

/// The running server of a throwaway cluster.
struct Server {
    wrapper: Child,
    /// Closing it tells the wrapper to stop the server and remove the directory.
    stdin: Option<ChildStdin>,
    dir: tempfile::TempDir,
}

impl fmt::Debug for PgCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgCluster")
            .field("port", &self.port)
            .field("external", &self.server.is_none())
            .finish_non_exhaustive()
    }
}

impl PgCluster {
    /// Starts a throwaway cluster owned by the returned handle: `initdb` into a new temporary
    /// directory, then a server on a free loopback port, and waits until it accepts
    /// connections. Dropping the handle stops the server and removes the directory. As root,
    /// `initdb` and `postgres` run as the `postgres` user.
    pub fn start() -> Result<PgCluster> {
        let mut attempt = 1;
        loop {
            match Self::try_start() {
                // Another process took the free port between our probe and the server's bind.
                Err(e) if attempt < 3 && format!("{e:#}").contains("could not bind") => {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The cluster of this test process, started on first use and shared by every test in it
    /// (each should take its own database). With [`EXTERNAL_URL_ENV`] set, that cluster.
    /// The server stops when the test process exits.
    pub fn shared() -> Result<&'static PgCluster> {
        static SHARED: OnceLock<Result<PgCluster, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                match std::env::var(EXTERNAL_URL_ENV) {
                    Ok(url) if !url.trim().is_empty() => Self::external(url.trim()),
                    _ => Self::start(),
                }
                .map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| anyhow!("starting the shared PostgreSQL cluster: {e}"))
    }

    /// An external cluster from a `postgres://user[:password]@host:port/` URL.
    fn external(url: &str) -> Result<PgCluster> {
        let parsed = reqwest::Url::parse(url).with_context(|| format!("parsing `{url}`"))?;
        if !matches!(parsed.scheme(), "postgres" | "postgresql") {
            bail!("`{EXTERNAL_URL_ENV}` must be a postgres:// URL, not `{url}`");
        }
        if !matches!(parsed.path(), "" | "/") {
            bail!("`{EXTERNAL_URL_ENV}` must not name a database: `{url}`");
        }
        let mut base = parsed.to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(PgCluster {
            base,
            port: parsed.port().unwrap_or(5432),
            bin: newest_bin_dir().ok(),
            server: None,
        })
    }

    fn try_start() -> Result<PgCluster> {
        let bin = newest_bin_dir()?;
        let as_postgres = effective_uid_is_root()?;
        let dir = tempfile::Builder::new()
            .prefix("rampart-pg-")
            .tempdir()
            .context("creating the cluster directory")?;
        let port = crate::free_port();
        let mut wrapper = Command::new("bash");
        wrapper
            .arg("-c")
            .arg(WRAPPER)
            .arg("rampart-pg")
            .arg(&bin)
            .arg(dir.path())
            .arg(port.to_string())
            .arg(if as_postgres { "1" } else { "0" })
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        let mut child = wrapper
            .spawn()
            .context("starting the postgres wrapper (bash)")?;
        let stdin = child.stdin.take();
        let cluster = PgCluster {
            base: format!("postgres://postgres@127.0.0.1:{port}/"),
            port,
            bin: Some(bin),
            server: Some(Server {
                wrapper: child,
                stdin,
                dir,
            }),
        };
        // On error `cluster` is dropped, which stops the server and removes the directory.
        cluster.wait_ready()?;
        Ok(cluster)
    }

    /// Polls `pg_isready` until the server accepts connections, it exits or time runs out.
    fn wait_ready(&self) -> Result<()> {
        let Some(server) = &self.server else {
            return Ok(());
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(reason) = std::fs::read_to_string(server.dir.path().join("failed")) {
                bail!(
                    "starting PostgreSQL: {}; server log:\n{}",
                    reason.trim(),
                    server.log()
                );
            }
            let ready = self
                .client_command("pg_isready")
                .args(["-q", "-t", "1", "-d", &format!("{}postgres", self.base)])
                .status()
                .context("running pg_isready")?;
            if ready.success() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "postgres did not accept connections on port {} within {:?}; server log:\n{}",
                    self.port,
                    START_TIMEOUT,
                    server.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Creates the database `name` (letters, digits and `_`, at most 63) and returns its URL:
    /// `postgres://postgres@127.0.0.1:PORT/NAME` for a throwaway cluster, the external URL
    /// (credentials included) followed by `NAME` otherwise.
    pub fn create_database(&self, name: &str) -> Result<String> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            bail!("invalid database name `{name}`: use 1 to 63 letters, digits or `_`");
        }
        let mut createdb = self.client_command("createdb");
        createdb
            .arg(format!("--maintenance-db={}postgres", self.base))
            .args(["--", name]);
        run(&mut createdb).with_context(|| format!("creating database `{name}`"))?;
        Ok(format!("{}{name}", self.base))
    }

    /// Runs `sql` with `psql` in the database at `database_url` (a URL from
    /// [`PgCluster::create_database`]) and returns what it printed, unaligned and without
    /// headers (`psql -XAtq`): the way to check a database without a Rust client.
    pub fn psql(&self, database_url: &str, sql: &str) -> Result<String> {
        let mut psql = self.client_command("psql");
        psql.args([
            "-X",
            "-A",
            "-t",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            database_url,
        ])
        .args(["-c", sql]);
        let out = run(&mut psql).with_context(|| format!("psql `{sql}`"))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The cluster's URL without a database: `postgres://postgres@127.0.0.1:PORT/` for a
    /// throwaway cluster, the external URL (credentials included) otherwise.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The path of a client tool: from the newest installed server version, else from `PATH`.
    fn client(&self, tool: &str) -> PathBuf {
        self.bin
            .as_ref()
            .map_or_else(|| PathBuf::from(tool), |b| b.join(tool))
    }

    fn client_command(&self, tool: &str) -> Command {
        let mut cmd = Command::new(self.client(tool));
        // Only the URL says where to connect, whatever the caller's environment holds.
        cmd.stdin(Stdio::null())
            .env("PGCONNECT_TIMEOUT", "10")
            .env_remove("PGHOST")
            .env_remove("PGPORT")
            .env_remove("PGUSER")
            .env_remove("PGPASSWORD")
            .env_remove("PGDATABASE")
            .env_remove("PGSERVICE");
        cmd
    }
}

impl Server {
    /// The server's log, for error messages.
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log"))
            .unwrap_or_else(|e| format!("(no server log: {e})"))
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if let Some(server) = &mut self.server {
            // End of file on the wrapper's stdin: it stops the server and removes the directory.
            drop(server.stdin.take());
            let _ = server.wrapper.wait();
        }
    }
}

/// The `bin` folder of the newest PostgreSQL under `/usr/lib/postgresql` that has `initdb`.
fn newest_bin_dir() -> Result<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let entries = std::fs::read_dir(root).with_context(|| {
        format!(
            "reading {}: is PostgreSQL installed? (scripts/ensure-postgres)",
            root.display()
        )
    })?;
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.split('.').next()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
        .ok_or_else(|| {
            anyhow!(
                "no {}/*/bin/initdb: run scripts/ensure-postgres",
                root.display()
            )
        })
}

/// Whether this process runs as root, where `initdb` and `postgres` refuse to run.
fn effective_uid_is_root() -> Result<bool> {
    let out = run(Command::new("id").arg("-u"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Runs `cmd` to completion; an error carrying its output unless it succeeded.
fn run(cmd: &mut Command) -> Result<Output> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd
        .output()
        .with_context(|| format!("running `{program}`"))?;
    if !out.status.success() {
        bail!(
            "`{program}` failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out)
}
