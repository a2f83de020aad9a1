//! A real moto server (the AWS API emulator) for tests and benchmarks.
//!
//! One server per process, started on a free loopback port with `scripts/moto_server.py`
//! (moto is installed by `scripts/ensure-moto` when missing). Tests isolate themselves by
//! assuming a role in a fresh account id: moto keeps every account's state apart, so tests
//! run in parallel against one server.

use crate::collect;
use aws_config::{BehaviorVersion, SdkConfig};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A running moto server.
pub struct MotoServer {
    pub endpoint: String,
    port: u16,
    // Kept so the child's stdin stays open; the server exits when this process does.
    _child: Mutex<Child>,
}

static SHARED: OnceLock<Result<MotoServer, String>> = OnceLock::new();
static NEXT_ACCOUNT: AtomicU64 = AtomicU64::new(0);

fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("scripts")
}

fn moto_python() -> Result<String, String> {
    if let Ok(p) = std::env::var("RAMPART_MOTO_PYTHON") {
        return Ok(p);
    }
    let out = Command::new("bash")
        .arg(scripts_dir().join("ensure-moto"))
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running scripts/ensure-moto: {e}"))?;
    if !out.status.success() {
        return Err(format!("scripts/ensure-moto failed with {}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

impl MotoServer {
    /// The process-wide server, started on first use.
    #[expect(
        clippy::panic,
        reason = "test fixture: without the emulator no test can run"
    )]
    pub fn shared() -> &'static MotoServer {
        match SHARED.get_or_init(MotoServer::start) {
            Ok(server) => server,
            Err(e) => panic!("could not start moto: {e}"),
        }
    }

    /// Starts a new server on a free loopback port.
    pub fn start() -> Result<MotoServer, String> {
        let python = moto_python()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("finding a free port: {e}"))?
            .port();
        let mut child = Command::new(&python)
            .arg(scripts_dir().join("moto_server.py"))
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .map_err(|e| format!("starting `{python}`: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout from moto")?;
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .map_err(|e| format!("waiting for moto: {e}"))?;
        if line.trim() != "ready" {
            let _ = child.kill();
            return Err(format!("moto did not start (said {line:?})"));
        }
        // Keep draining: a closed pipe would make moto's next print fail inside a request,
        // and that request would never be answered.
        let echo = std::env::var_os("TEST_LOG").is_some();
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                if echo {
                    eprintln!("moto: {line}");
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err("moto did not open its port within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(MotoServer {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            _child: Mutex::new(child),
        })
    }

    /// `POST /moto-api/reset`: forget every account's state.
    pub fn reset(&self) -> std::io::Result<()> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        write!(
            s,
            "POST /moto-api/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        let mut response = String::new();
        s.read_to_string(&mut response)?;
        Ok(())
    }

    /// SDK configuration with the emulator's root credentials of the default account.
    pub async fn base_config(&self) -> SdkConfig {
        collect::tune(aws_config::defaults(BehaviorVersion::latest()))
            // The emulator answers unsupported operations with retryable errors; retrying
            // them with production backoff would only slow the tests down.
            .retry_config(
                aws_config::retry::RetryConfig::standard()
                    .with_max_attempts(2)
                    .with_initial_backoff(Duration::from_millis(20)),
            )
            .endpoint_url(&self.endpoint)
            .region(aws_config::Region::from_static("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                None,
                None,
                "moto",
            ))
            .load()
            .await
    }

    /// A fresh, empty account of its own, reached through `sts:AssumeRole` with an external id
    /// (the way Rampart reaches linked accounts).
    pub async fn new_account(&self) -> MotoAccount {
        let n = NEXT_ACCOUNT.fetch_add(1, Ordering::Relaxed);
        let account_id = format!(
            "{:012}",
            200_000_000_000 + u64::from(std::process::id() % 99_999) * 1_000_000 + n
        );
        let role_arn = format!("arn:aws:iam::{account_id}:role/rampart-scanner");
        let sdk =
            collect::assume_role(self.base_config().await, &role_arn, Some("rampart-test")).await;
        MotoAccount {
            account_id,
            role_arn,
            sdk,
            endpoint: self.endpoint.clone(),
        }
    }
}

/// One isolated account in the emulator.
pub struct MotoAccount {
    pub account_id: String,
    pub role_arn: String,
    pub sdk: SdkConfig,
    pub endpoint: String,
}

impl MotoAccount {
    /// The account's SDK configuration in another region.
    pub fn in_region(&self, region: &str) -> SdkConfig {
        self.sdk
            .to_builder()
            .region(aws_config::Region::new(region.to_owned()))
            .build()
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk)
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.in_region(region))
                .force_path_style(true)
                .build(),
        )
    }

    pub fn s3control(&self) -> aws_sdk_s3control::Client {
        aws_sdk_s3control::Client::from_conf(
            aws_sdk_s3control::config::Builder::from(&self.sdk)
                .interceptor(collect::StripAccountHostPrefix::new(&self.account_id))
                .build(),
        )
    }

    pub fn cloudtrail(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        aws_sdk_cloudtrail::Client::new(&self.in_region(region))
    }

    pub fn logs(&self, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::new(&self.in_region(region))
    }

    pub fn cloudwatch(&self, region: &str) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.in_region(region))
    }

    pub fn sns(&self, region: &str) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.in_region(region))
    }

    pub fn config(&self, region: &str) -> aws_sdk_config::Client {
        aws_sdk_config::Client::new(&self.in_region(region))
    }

    pub fn kms(&self, region: &str) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(&self.in_region(region))
    }

    pub fn apigateway(&self, region: &str) -> aws_sdk_apigateway::Client {
        aws_sdk_apigateway::Client::new(&self.in_region(region))
    }

    pub fn apigatewayv2(&self, region: &str) -> aws_sdk_apigatewayv2::Client {
        aws_sdk_apigatewayv2::Client::new(&self.in_region(region))
    }

    pub fn wafv2(&self, region: &str) -> aws_sdk_wafv2::Client {
        aws_sdk_wafv2::Client::new(&self.in_region(region))
    }

    pub fn shield(&self, region: &str) -> aws_sdk_shield::Client {
        aws_sdk_shield::Client::new(&self.in_region(region))
    }

    pub fn cognito(&self, region: &str) -> aws_sdk_cognitoidentityprovider::Client {
        aws_sdk_cognitoidentityprovider::Client::new(&self.in_region(region))
    }

    pub fn glacier(&self, region: &str) -> aws_sdk_glacier::Client {
        aws_sdk_glacier::Client::new(&self.in_region(region))
    }
}
