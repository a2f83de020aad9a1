//! A local HTTP server answering AWS API calls with bodies shaped as AWS documents them.
//!
//! Only for the APIs the emulator (moto) does not serve: tests built on it must say so in
//! their names. The handler sees each request (method, path, headers, body) and returns the
//! response; the SDK client under test is pointed at the server with [`sdk_config`].
#![expect(
    clippy::unwrap_used,
    reason = "test support: a broken fake server must fail the test loudly"
)]

use aws_config::{BehaviorVersion, SdkConfig};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request as the fake server received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query string, percent-encoded as sent.
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The operation of a JSON-protocol call (`X-Amz-Target: Service.Operation`).
    pub fn target(&self) -> &str {
        self.header("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or("")
    }
}

/// What the fake server answers.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Response {
    pub fn json(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            content_type: "application/x-amz-json-1.1",
            body: body.into(),
        }
    }

    pub fn xml(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            content_type: "text/xml",
            body: body.into(),
        }
    }

    /// A JSON-protocol service error (`__type` carries the code).
    pub fn json_error(status: u16, code: &str, message: &str) -> Self {
        Self {
            status,
            content_type: "application/x-amz-json-1.1",
            body: serde_json::json!({"__type": code, "message": message}).to_string(),
        }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
}

/// Starts the server; returns its base URL. It runs until the test's runtime ends.
pub async fn serve<F>(handler: F) -> String
where
    F: Fn(&Request) -> Response + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let handler = handler.clone();
            tokio::spawn(async move {
                let Some(req) = read_request(&mut sock).await else {
                    return;
                };
                let resp = handler(&req);
                let head = format!(
                    "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nx-amzn-requestid: fake\r\nconnection: close\r\n\r\n",
                    resp.status,
                    resp.content_type,
                    resp.body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(resp.body.as_bytes()).await;
            });
        }
    });
    url
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Request> {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        let n = sock.read(&mut chunk).await.ok()?;
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len || n == 0 {
                let mut lines = head.lines();
                let mut first = lines.next()?.split(' ');
                let method = first.next()?.to_owned();
                let path = first.next()?.to_owned();
                let headers = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                let body = String::from_utf8_lossy(&buf[end + 4..]).into_owned();
                return Some(Request {
                    method,
                    path,
                    headers,
                    body,
                });
            }
        }
        if n == 0 {
            return None;
        }
    }
}

/// SDK configuration pointed at the fake server (static credentials, `region`, no retries).
pub fn sdk_config(url: &str, region: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(aws_config::Region::new(region.to_owned()))
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("AKIDTEST", "secret", None, None, "test"),
            ),
        )
        .build()
}
