//! Security headers and CSRF protection.
//!
//! Every response carries a strict Content-Security-Policy (no script at all, styles and
//! images from this origin only), and pages are not cached. POST requests must come from
//! this origin (`Origin` / `Sec-Fetch-Site`) and carry the token of the `rampart_csrf`
//! cookie in a `csrf` form field (double-submit; the cookie is `SameSite=Strict`).

use super::error::{PageError, WebError};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rampart_app::model::Chrome;
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::set_header::SetResponseHeaderLayer;

pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const COOKIE: &str = "rampart_csrf";
/// Largest urlencoded form accepted (our forms are a few fields).
const MAX_FORM: usize = 64 * 1024;

type H = SetResponseHeaderLayer<HeaderValue>;
/// Six header layers.
type Headers = Stack<H, Stack<H, Stack<H, Stack<H, Stack<H, Stack<H, Identity>>>>>>;

/// The security headers every response carries.
pub fn headers() -> ServiceBuilder<Headers> {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    ServiceBuilder::new()
        .layer(set(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::REFERRER_POLICY, "same-origin"))
        .layer(set(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(set(header::CACHE_CONTROL, "no-store"))
}

/// The CSRF token of the current browser (from its cookie, or freshly made).
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // Without randomness there is no safe token; an empty token never validates.
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cookie_token(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Constant-time comparison of two tokens.
pub fn tokens_match(a: &str, b: &str) -> bool {
    if a.is_empty() || a.len() != b.len() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn same_origin(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let origin_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .unwrap_or("");
            !host.is_empty() && origin_host == host
        }
    }
}

fn forbidden(message: &str) -> Response {
    PageError(
        WebError::new(StatusCode::FORBIDDEN, message),
        Chrome::default(),
    )
    .into_response()
}

/// Checks state-changing requests; hands the token to handlers; sets the cookie.
pub async fn csrf(mut req: Request, next: Next) -> Response {
    let existing = cookie_token(&req);
    let token = existing.clone().unwrap_or_else(new_token);
    if req.method() != Method::GET && req.method() != Method::HEAD {
        if !same_origin(&req) {
            return forbidden("cross-site request refused");
        }
        let Some(expected) = existing.clone() else {
            return forbidden("missing CSRF cookie: reload the page and try again");
        };
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if content_type.starts_with("multipart/form-data") {
            // The handler reads the `csrf` field of the multipart body itself.
        } else {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM).await else {
                return forbidden("form too large");
            };
            let sent = form_urlencoded_value(&bytes, "csrf");
            if !sent.is_some_and(|s| tokens_match(&s, &expected)) {
                return forbidden("invalid CSRF token: reload the page and try again");
            }
            req = Request::from_parts(parts, Body::from(bytes));
        }
    }
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut resp = next.run(req).await;
    if existing.is_none()
        && !token.is_empty()
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
        ))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole_and_never_match_empty() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
        assert!(!tokens_match("", ""));
    }

    #[test]
    fn fresh_tokens_are_random_hex() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn form_values_are_decoded() {
        assert_eq!(
            form_urlencoded_value(b"a=1&csrf=ab%2Bc+d", "csrf").as_deref(),
            Some("ab+c d")
        );
        assert_eq!(form_urlencoded_value(b"a=1", "csrf"), None);
    }
}
