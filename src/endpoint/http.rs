//! The two values that cross the sans-I/O boundary, and the transport that carries them.
//!
//! The core builds an [`HttpRequest`] and reads an [`HttpResponse`]; whoever owns the network
//! (the wasm layer with `fetch`, a native HTTP client, a test's fake) sends one and returns the
//! other. Nothing here does I/O.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// The HTTP methods the server APIs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`: the App Store Server API's updates and uploads.
    Put,
    /// `DELETE`: the App Store Server API's retention messaging.
    Delete,
}

impl Method {
    /// The method name as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// Header names whose values are credentials: redacted by `Debug`, never put in messages.
const SECRET_HEADERS: &[&str] = &["x-secret-key", "authorization"];

/// Ordered header list (name, value). Serialized as a plain `{ name: value }` object, which is
/// what `fetch` takes and what `Headers` iterates into.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// An empty list.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Appends a header. Names are kept as given; lookups ignore case.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// The first value of `name`, compared case-insensitively as HTTP requires.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every (name, value) pair in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Self(iter.into_iter().map(|(n, v)| (n.into(), v.into())).collect())
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (n, v) in &self.0 {
            if SECRET_HEADERS.iter().any(|s| n.eq_ignore_ascii_case(s)) {
                m.entry(n, &"<redacted>");
            } else {
                m.entry(n, v);
            }
        }
        m.finish()
    }
}

impl Serialize for Headers {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (n, v) in &self.0 {
            m.serialize_entry(n, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Headers;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of header names to string values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> std::result::Result<Headers, A::Error> {
                let mut h = Headers::new();
                while let Some((n, v)) = a.next_entry::<String, String>()? {
                    h.push(n, v);
                }
                Ok(h)
            }
        }
        d.deserialize_map(V)
    }
}

/// A request for the transport to send, exactly as built. Its `Debug` redacts what carries a
/// credential: the [`Headers`] named secret, and a form-encoded body (every form this crate builds
/// is a token exchange: a client secret or a signed assertion), shown by its field names only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// The HTTP method.
    pub method: Method,
    /// Absolute URL, path and query already percent-encoded.
    pub url: String,
    /// Headers to send, credentials included (see [`Headers`]'s redacting `Debug`).
    pub headers: Headers,
    /// JSON text; `None` for a request without a body and for one whose body is the caller's
    /// bytes (an endpoint with an [`At::Raw`](super::At::Raw) parameter: send them as they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct FormNames<'a>(&'a str);
        impl fmt::Debug for FormNames<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut l = f.debug_list();
                for pair in self.0.split('&') {
                    let name = pair.split_once('=').map_or(pair, |(n, _)| n);
                    l.entry(&format_args!("{name}=<redacted>"));
                }
                l.finish()
            }
        }
        let form = self
            .headers
            .get("content-type")
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
        let mut d = f.debug_struct("HttpRequest");
        d.field("method", &self.method).field("url", &self.url).field("headers", &self.headers);
        match &self.body {
            Some(b) if form => d.field("body", &FormNames(b)),
            b => d.field("body", b),
        };
        d.finish()
    }
}

/// What the transport received: status, headers and the body as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers (may be empty; the parsers do not need them).
    #[serde(default)]
    pub headers: Headers,
    /// The body as received, decoded as UTF-8 text.
    #[serde(default)]
    pub body: String,
}

impl HttpResponse {
    /// A response with no headers, handy for transports and tests.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self { status, headers: Headers::new(), body: body.into() }
    }
}

/// Sends one request and returns the response. Failures to reach the server are
/// `NETWORK_ERROR` or `TIMEOUT`; any HTTP answer, whatever its status, is an `Ok` response.
pub trait Transport {
    /// Sends `request` and waits for its response.
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse>;
}

impl<F: FnMut(&HttpRequest) -> Result<HttpResponse>> Transport for F {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse> {
        self(request)
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a value is safe in a path
/// segment or a query value alike (access tokens may hold `/`, `+`, `=`).
pub(crate) fn encode_component(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get(usize::from(b & 0x0f)).copied().unwrap_or(b'0')));
        }
    }
    out
}

/// `value` as one path segment: percent-encoded, and never empty, `.` or `..`, which URL
/// parsers (and `fetch`) would collapse into another endpoint's path.
pub(crate) fn path_segment(name: &str, value: &str) -> Result<String> {
    if matches!(value, "" | "." | "..") {
        return Err(Error::invalid_argument(format!("{name} must not be empty, \".\" or \"..\" (it is a path segment)")));
    }
    Ok(encode_component(value))
}

/// Checks a caller-supplied base URL and drops trailing slashes so paths can be appended.
/// `https://` anywhere; `http://` only to a loopback host (`localhost`, 127.0.0.0/8, `[::1]`: the
/// local emulator), unless `insecure_http` (the caller's `allowInsecureHttp: true`), so that a
/// typo cannot send a secret key or a bearer token in clear text across a network.
pub(crate) fn normalize_base_url(base: &str, insecure_http: bool) -> Result<String> {
    let trimmed = base.trim().trim_end_matches('/');
    let (rest, plain) = match (trimmed.strip_prefix("https://"), trimmed.strip_prefix("http://")) {
        (Some(rest), _) => (rest, false),
        (None, Some(rest)) => (rest, true),
        (None, None) => return Err(Error::invalid_argument("baseUrl must start with https:// (or http:// for a local server)")),
    };
    if rest.is_empty() || rest.contains(['?', '#', '@', '\\']) || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid_argument("baseUrl must be a scheme and host, optionally with a path prefix"));
    }
    if plain && !insecure_http && !is_loopback(authority_host(rest)) {
        return Err(Error::invalid_argument(
            "baseUrl: http:// is only for a loopback host (localhost, 127.0.0.0/8, [::1]); use https://, or set allowInsecureHttp: true",
        ));
    }
    Ok(trimmed.to_owned())
}

/// The host of `host[:port][/path]` (an IPv6 literal keeps its brackets).
fn authority_host(rest: &str) -> &str {
    let authority = rest.split('/').next().unwrap_or(rest);
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// `localhost`, an IPv4 address in 127.0.0.0/8 (four decimal parts), or `[::1]`.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.first() == Some(&"127")
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n <= 255))
}

/// A required string argument: present and not blank.
pub(crate) fn require(name: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(format!("{name} is required")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(encode_component("abc-_.~XYZ09"), "abc-_.~XYZ09");
        assert_eq!(encode_component("a/b+c=d e?&#%"), "a%2Fb%2Bc%3Dd%20e%3F%26%23%25");
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn base_url_rules() {
        assert_eq!(normalize_base_url("https://api-iap.cloud.toast.com/", false).unwrap(), "https://api-iap.cloud.toast.com");
        assert_eq!(normalize_base_url("http://127.0.0.1:8080//", false).unwrap(), "http://127.0.0.1:8080");
        assert_eq!(normalize_base_url("https://proxy.example/iap", false).unwrap(), "https://proxy.example/iap");
        for bad in ["ftp://x", "api-iap.cloud.toast.com", "https://", "https://x?y", "https://a b", "https://user@x", "https://a\\b"] {
            assert_eq!(normalize_base_url(bad, false).unwrap_err().code(), "INVALID_ARGUMENT", "{bad}");
        }
        // Plain http: loopback hosts only, unless the caller allows it.
        for local in ["http://localhost", "http://LOCALHOST:1/p", "http://127.0.0.1", "http://127.255.0.9:80", "http://[::1]:8787/x"] {
            assert!(normalize_base_url(local, false).is_ok(), "{local}");
        }
        for remote in ["http://example.com", "http://localhost.example.com", "http://127.0.0.1.example.com", "http://127.1", "http://128.0.0.1", "http://[::2]", "http://0x7f.0.0.1", "http://127.0.0.256"] {
            let e = normalize_base_url(remote, false).unwrap_err();
            assert!(e.to_string().contains("allowInsecureHttp"), "{remote}: {e}");
            assert_eq!(normalize_base_url(remote, true).unwrap(), remote);
        }
    }

    #[test]
    fn headers_debug_redacts_secrets_and_serializes_as_object() {
        let mut h = Headers::new();
        h.push("Content-Type", "application/json");
        h.push("X-Secret-Key", "s3cr3t");
        let dbg = format!("{h:?}");
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
        assert!(dbg.contains("<redacted>"));
        assert_eq!(h.get("x-secret-key"), Some("s3cr3t"));
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, r#"{"Content-Type":"application/json","X-Secret-Key":"s3cr3t"}"#);
        let back: Headers = serde_json::from_str(&json).unwrap();
        assert_eq!(back, h);
    }
}
