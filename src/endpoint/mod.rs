//! Server APIs as declarations, sans-I/O: the mechanism behind [`crate::nhn`]'s clients,
//! [`AppStoreServerApi`](crate::apple::AppStoreServerApi) and
//! [`GooglePlayApi`](crate::google::GooglePlayApi).
//!
//! An endpoint is a value: its method, path template, parameters (each with where it goes: path,
//! query or body), whether it is a read (retried on retryable errors) or a mutation (sent once),
//! and its result reader. One machinery turns it into the request builder and the response
//! parser ([`ServerApi::request`], [`ServerApi::parse`]), the JS method (the wasm layer exports
//! the table, `pkg/src/endpoints.js` makes the methods) and its TypeScript type (generated from
//! the table by `scripts/build-pkg.mjs`). What differs between APIs (base URL, auth headers, the
//! error envelope) is the API's [`ServerApi`] implementation.
//!
//! Nothing here does I/O: whoever owns the network sends the [`HttpRequest`] and hands back the
//! [`HttpResponse`] ([`Transport`], `fetch` in JS, a test's fake).

mod args;
mod http;
mod token;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

pub use args::FromJson;
pub(crate) use args::{long_of, Args};
pub(crate) use http::{encode_component, normalize_base_url, path_segment, require};
pub use http::{Headers, HttpRequest, HttpResponse, Method, Transport};
pub(crate) use token::AccessToken;

use crate::error::{Error, Result, StoreApiError};
use crate::limits;

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Into the path template's `{name}`, percent-encoded.
    Path,
    /// Into the query string (a list as the key repeated, as Apple's API takes it).
    Query,
    /// A field of the JSON body.
    Body,
    /// The whole JSON body (an object the caller builds, as Apple's request types are).
    Whole,
    /// The whole body as bytes (an image): the transport sends the caller's bytes as they are, so
    /// they never pass through the core; the request carries their `Content-Type`.
    Raw,
}

/// What a parameter holds. Values are checked here, so a wrong type is `INVALID_ARGUMENT`
/// naming the parameter before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string; a blank one is refused when the parameter is required.
    Str,
    /// A whole number (a JS number or its decimal text), sent as a JSON number.
    Long,
    /// A whole number, sent as its decimal text.
    LongText,
    /// A boolean.
    Bool,
    /// A list of strings.
    Strings,
    /// A list of whole numbers.
    Longs,
    /// A list of between 1 and `max` distinct, non-blank strings (Google's `orders:batchGet` ids).
    StringSet(usize),
    /// A list of JSON objects, passed as they are.
    Objects,
    /// A list of payments, `{ paymentSeq, accessToken }` each (other fields ignored), between 1
    /// and `max` of them.
    Payments(usize),
    /// A JSON object, passed as it is.
    Object,
    /// Bytes of this media type (`image/png`), only as an [`At::Raw`] body.
    Bytes(&'static str),
}

impl Kind {
    /// The TypeScript type of a value of this kind (`object` for a caller-built body).
    pub fn ts(self) -> &'static str {
        match self {
            Kind::Str => "string",
            Kind::Long | Kind::LongText => "number",
            Kind::Bool => "boolean",
            Kind::Strings | Kind::StringSet(_) => "string[]",
            Kind::Longs => "number[]",
            Kind::Payments(_) => "PaymentRef[]",
            Kind::Object => "object",
            Kind::Objects => "object[]",
            Kind::Bytes(_) => "Uint8Array | ArrayBuffer",
        }
    }
}

/// One declared parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// Its name on the wire.
    pub name: &'static str,
    /// Its name as JS passes it (usually `name`).
    pub key: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Where it goes.
    pub at: At,
    /// Whether it must be given (and, for a string, not blank).
    pub required: bool,
    /// The value used when it is absent.
    pub default: Option<&'static str>,
    /// The only values a string may take (an API version), when the API has a closed list.
    pub allowed: Option<&'static [&'static str]>,
}

impl Param {
    const fn new(name: &'static str, kind: Kind, at: At, required: bool) -> Self {
        Self { name, key: name, kind, at, required, default: None, allowed: None }
    }

    /// A required path parameter.
    pub const fn path(name: &'static str, kind: Kind) -> Self {
        Self::new(name, kind, At::Path, true)
    }

    /// An optional query parameter.
    pub const fn query(name: &'static str, kind: Kind) -> Self {
        Self::new(name, kind, At::Query, false)
    }

    /// A required body field.
    pub const fn body(name: &'static str, kind: Kind) -> Self {
        Self::new(name, kind, At::Body, true)
    }

    /// The whole body, a caller-built object.
    pub const fn whole(name: &'static str) -> Self {
        Self::new(name, Kind::Object, At::Whole, true)
    }

    /// The whole body, the caller's bytes of `media_type` (see [`At::Raw`]).
    pub const fn raw(name: &'static str, media_type: &'static str) -> Self {
        Self::new(name, Kind::Bytes(media_type), At::Raw, true)
    }

    /// The same parameter, passed by JS as `key` (Apple's `productIds` for the query's `productId`).
    pub const fn key(self, key: &'static str) -> Self {
        Self { key, ..self }
    }

    /// The same parameter, required.
    pub const fn required(self) -> Self {
        Self { required: true, ..self }
    }

    /// The same parameter, optional.
    pub const fn optional(self) -> Self {
        Self { required: false, ..self }
    }

    /// The same parameter, limited to `values`.
    pub const fn one_of(self, values: &'static [&'static str]) -> Self {
        Self { allowed: Some(values), ..self }
    }

    /// The same parameter, `default` when absent (a given blank string is still refused).
    pub const fn or(self, default: &'static str) -> Self {
        Self { default: Some(default), ..self }
    }
}

/// Whether fields nobody declared are refused (a typo is an error) or ignored (a listed payment
/// can be passed as it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// Unknown fields are `INVALID_ARGUMENT`.
    Refuse,
    /// Unknown fields are ignored.
    Ignore,
}

/// Reads the payload an API's [`ServerApi::open`] returned into the value JS receives; the time
/// (epoch ms) is for readers that verify signed data.
pub type Reader<A> = fn(&A, Value, i64) -> Result<Value>;

/// One endpoint of a server API.
pub struct Endpoint<A: 'static> {
    /// Sans-I/O name: `consume` gives `consumeRequest` and `parseConsume`.
    pub name: &'static str,
    /// The client method's name (usually `name`).
    pub call: &'static str,
    /// One line for the docs and the generated types. Build-time facts (the TypeScript generator
    /// reads them from a native build, `examples/declarations.rs`): not in the wasm module.
    #[cfg(not(target_arch = "wasm32"))]
    pub doc: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template after the API's prefix, with `{param}` for path parameters.
    pub path: &'static str,
    /// The parameters, in wire order.
    pub params: &'static [Param],
    /// What to do with undeclared fields.
    pub extra: Extra,
    /// The client method's positional arguments, mapped to parameters in this order. Empty: the
    /// method takes one parameters object.
    pub positional: &'static [&'static str],
    /// A bare string argument stands for this parameter (`getPaymentTransaction(token)`).
    pub string_arg: Option<&'static str>,
    /// This list parameter is sent in batches of at most this many, one request each, results
    /// concatenated in order.
    pub batch: Option<(&'static str, usize)>,
    /// Paginated: the result's `hasMore` says whether there is a next page, fetched with this
    /// parameter set to the result's field of the same name (`revision`, `paginationToken`).
    pub pages: Option<&'static str>,
    /// Paginated by a token at this dotted path of the result (Google's
    /// `tokenPagination.nextPageToken`) instead of `hasMore`: the next page is fetched while the
    /// token is there.
    pub next_page: Option<&'static str>,
    /// A read: retried on retryable errors. A mutation is sent once.
    pub read: bool,
    /// Whether the API's credentials go with it (NHN's legacy endpoints take none).
    pub auth: bool,
    /// TypeScript types of the parameters and the result (native builds only, as `doc`).
    #[cfg(not(target_arch = "wasm32"))]
    pub ts: (&'static str, &'static str),
    /// The result reader.
    pub reader: Reader<A>,
}

impl<A> Endpoint<A> {
    /// A mutation with one parameters object whose unknown fields are refused; the builder
    /// methods below change what differs.
    pub const fn new(name: &'static str, method: Method, path: &'static str, reader: Reader<A>) -> Self {
        Self {
            name,
            call: name,
            #[cfg(not(target_arch = "wasm32"))]
            doc: "",
            method,
            path,
            params: &[],
            extra: Extra::Refuse,
            positional: &[],
            string_arg: None,
            batch: None,
            pages: None,
            next_page: None,
            read: false,
            auth: true,
            #[cfg(not(target_arch = "wasm32"))]
            ts: ("void", "void"),
            reader,
        }
    }

    /// Its parameters.
    pub const fn params(self, params: &'static [Param]) -> Self {
        Self { params, ..self }
    }

    /// A read, retried on retryable errors.
    pub const fn read(self) -> Self {
        Self { read: true, ..self }
    }

    /// Sent without the API's credentials.
    pub const fn no_auth(self) -> Self {
        Self { auth: false, ..self }
    }

    /// Undeclared fields ignored.
    pub const fn lenient(self) -> Self {
        Self { extra: Extra::Ignore, ..self }
    }

    /// Its doc line and TypeScript types.
    #[cfg(not(target_arch = "wasm32"))]
    pub const fn doc(self, doc: &'static str, params_ts: &'static str, result_ts: &'static str) -> Self {
        Self { doc, ts: (params_ts, result_ts), ..self }
    }

    /// Its doc line and TypeScript types: kept out of the wasm module.
    #[cfg(target_arch = "wasm32")]
    pub const fn doc(self, _doc: &'static str, _params_ts: &'static str, _result_ts: &'static str) -> Self {
        self
    }

    /// The client method's name, when it is not `name`.
    pub const fn call(self, call: &'static str) -> Self {
        Self { call, ..self }
    }

    /// The client method takes these positional arguments.
    pub const fn positional(self, positional: &'static [&'static str]) -> Self {
        Self { positional, ..self }
    }

    /// A bare string argument stands for `param`.
    pub const fn string_arg(self, param: &'static str) -> Self {
        Self { string_arg: Some(param), ..self }
    }

    /// `param` is sent `size` at a time.
    pub const fn batch(self, param: &'static str, size: usize) -> Self {
        Self { batch: Some((param, size)), ..self }
    }

    /// Paginated by `param` (see [`Endpoint::pages`]).
    pub const fn pages(self, param: &'static str) -> Self {
        Self { pages: Some(param), ..self }
    }

    /// Paginated by the token at `path` of each result, sent as the [`Endpoint::pages`] parameter.
    pub const fn next_page(self, path: &'static str) -> Self {
        Self { next_page: Some(path), ..self }
    }

    /// The media type of the caller's bytes, when the body is raw ([`At::Raw`]): the request has
    /// no `body` and the transport sends those bytes.
    pub fn raw_body(&self) -> Option<&'static str> {
        raw_body_of(self.params)
    }

    /// Reads and checks `params` against the declaration: one value per declared parameter, in
    /// order (`Null` for an absent optional one), defaults applied.
    pub fn normalize(&self, params: &Value) -> Result<Vec<Value>> {
        normalize_params(self.params, self.extra, params)
    }

    /// The declaration as JSON, for the JS layer and the generated types (`examples/declarations.rs`
    /// prints every API's; `scripts/gen-endpoints.mjs` writes them into the package).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn describe(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), self.name.into());
        o.insert("call".into(), self.call.into());
        o.insert("doc".into(), self.doc.into());
        o.insert("method".into(), self.method.as_str().into());
        o.insert("path".into(), self.path.into());
        o.insert("read".into(), self.read.into());
        o.insert("params".into(), Value::from(self.params.iter().map(|p| p.key).collect::<Vec<_>>()));
        // Each parameter's TypeScript type and whether it is required, for the generated types.
        let args: Map<String, Value> = self
            .params
            .iter()
            .map(|p| (p.key.to_owned(), serde_json::json!([p.kind.ts(), p.required && p.default.is_none()])))
            .collect();
        o.insert("args".into(), Value::Object(args));
        o.insert("positional".into(), Value::from(self.positional.to_vec()));
        o.insert("paramsType".into(), self.ts.0.into());
        o.insert("resultType".into(), self.ts.1.into());
        if let Some(s) = self.string_arg {
            o.insert("stringArg".into(), s.into());
        }
        if let Some(p) = self.pages {
            o.insert("pages".into(), p.into());
        }
        if let Some(n) = self.next_page {
            o.insert("nextPage".into(), n.into());
        }
        if let Some(p) = self.params.iter().find(|p| p.at == At::Raw) {
            o.insert("raw".into(), p.key.into());
        }
        if let Some((param, size)) = self.batch {
            o.insert("batch".into(), serde_json::json!({ "param": param, "size": size }));
        }
        Value::Object(o)
    }
}

// The work of the methods above and of `ServerApi::request`, in functions that are not generic over
// the API: one copy in the wasm module, not one per API.

fn raw_body_of(params: &[Param]) -> Option<&'static str> {
    params.iter().find_map(|p| match (p.at, p.kind) {
        (At::Raw, Kind::Bytes(media_type)) => Some(media_type),
        _ => None,
    })
}

fn normalize_params(declared: &[Param], extra: Extra, params: &Value) -> Result<Vec<Value>> {
    let names: Vec<&str> = declared.iter().map(|p| p.key).collect();
    let known = match extra {
        Extra::Refuse => Some(names.as_slice()),
        Extra::Ignore => None,
    };
    let a = Args::new(params, "params", known)?;
    declared.iter().map(|p| read_param(&a, p)).collect()
}

/// The path with its query, and the body, of a request whose parameters are `values`.
fn path_and_body(template: &str, declared: &[Param], values: Vec<Value>) -> Result<(String, Option<String>)> {
    let mut path = template.to_owned();
    let mut query = Vec::new();
    let mut body = Map::new();
    let mut whole_body = None;
    for (p, v) in declared.iter().zip(values) {
        if v.is_null() {
            continue;
        }
        match p.at {
            At::Path => path = path.replace(&format!("{{{}}}", p.name), &path_segment(p.key, &wire_text(&v))?),
            At::Query => match &v {
                Value::Array(items) => query.extend(items.iter().map(|i| (p.name, wire_text(i)))),
                one => query.push((p.name, wire_text(one))),
            },
            At::Body if p.kind == Kind::LongText => {
                body.insert(p.name.into(), wire_text(&v).into());
            }
            At::Body => {
                body.insert(p.name.into(), v);
            }
            At::Whole => whole_body = Some(v),
            At::Raw => {}
        }
    }
    for (i, (k, v)) in query.iter().enumerate() {
        path.push(if i == 0 { '?' } else { '&' });
        path.push_str(&encode_component(k));
        path.push('=');
        path.push_str(&encode_component(v));
    }
    let has_body = declared.iter().any(|p| matches!(p.at, At::Body | At::Whole));
    let body = match whole_body {
        Some(v) => Some(v.to_string()),
        None if has_body => Some(Value::Object(body).to_string()),
        None => None,
    };
    Ok((path, body))
}

fn read_param(a: &Args<'_>, p: &Param) -> Result<Value> {
    let v = match p.kind {
        Kind::Str => {
            let s = a.opt_str(p.key)?.or_else(|| p.default.map(str::to_owned));
            if let Some(s) = &s {
                if p.required {
                    require(p.key, s)?;
                }
                if let Some(allowed) = p.allowed.filter(|a| !a.contains(&s.as_str())) {
                    return Err(Error::invalid_argument(format!("params.{} must be one of {}", p.key, allowed.join(", "))));
                }
            }
            s.map(Value::from)
        }
        Kind::Long | Kind::LongText => a.opt_long(p.key)?.map(Value::from),
        Kind::Bool => a.opt_bool(p.key)?.map(Value::from),
        Kind::Strings => a.opt_strings::<String>(p.key)?.map(Value::from),
        Kind::Longs => a.opt_longs(p.key)?.map(Value::from),
        Kind::StringSet(max) => a.opt_strings::<String>(p.key)?.map(|list| string_set(p.key, list, max)).transpose()?,
        Kind::Object => a.opt_object(p.key)?.cloned(),
        Kind::Objects => a.opt_objects(p.key)?.cloned().map(Value::Array),
        Kind::Payments(max) => Some(payments(a, p.key, max)?),
        // The bytes travel beside the request, never through the core.
        Kind::Bytes(_) => return Ok(Value::Null),
    };
    match v {
        Some(v) => Ok(v),
        None if p.required => match p.kind {
            Kind::Str => a.str(p.key).map(Value::from),
            Kind::Long | Kind::LongText => a.long(p.key).map(Value::from),
            _ => Err(Error::invalid_argument(format!("params.{} is required", p.key))),
        },
        None => Ok(Value::Null),
    }
}

/// A [`Kind::StringSet`]: 1 to `max` strings, none blank, none twice.
fn string_set(name: &'static str, list: Vec<String>, max: usize) -> Result<Value> {
    if list.is_empty() || list.len() > max {
        return Err(Error::invalid_argument(format!("params.{name} must hold between 1 and {max} ids, got {}", list.len())));
    }
    for (i, id) in list.iter().enumerate() {
        require(name, id)?;
        // Quadratic, on at most `max` (1000) ids: a hash set of strings would be more code in the module.
        if list.get(..i).is_some_and(|before| before.contains(id)) {
            return Err(Error::invalid_argument(format!("params.{name} holds an id twice (they must be distinct)")));
        }
    }
    Ok(Value::from(list))
}

/// A list of `{ paymentSeq, accessToken }`, other fields dropped.
fn payments(a: &Args<'_>, name: &'static str, max: usize) -> Result<Value> {
    let list = a.list(name)?;
    if list.is_empty() {
        return Err(Error::invalid_argument(format!("{name} must hold at least one payment")));
    }
    if list.len() > max {
        return Err(Error::invalid_argument(format!(
            "this endpoint takes at most {max} {name} per request, got {}",
            list.len()
        )));
    }
    list.iter().map(payment).collect()
}

/// One payment of a [`Kind::Payments`] list: its `paymentSeq` and `accessToken`, both required and
/// not blank, other fields dropped (an entry of an NHN consumable list can be passed as it is).
fn payment(v: &Value) -> Result<Value> {
    let a = Args::new(v, "params", None)?;
    let mut out = Map::new();
    for key in ["paymentSeq", "accessToken"] {
        let value = a.str(key)?;
        require(key, &value)?;
        out.insert(key.into(), value.into());
    }
    Ok(Value::Object(out))
}

/// The text of a scalar parameter in a path or a query.
fn wire_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A server API: where it is, how it authenticates, how it answers. The request building and
/// response reading are the provided methods, the same for every API.
pub trait ServerApi: Sized + 'static {
    /// What its answers are called in errors (`NHN API response`).
    const RESPONSE: &'static str;

    /// Every endpoint, for the JS layer.
    fn endpoints() -> &'static [&'static Endpoint<Self>];

    /// The base URL in use, no trailing slash.
    fn base_url(&self) -> &str;

    /// What goes between the base URL and every path (Gamebase's `/tcgb-inapp/v1.3/apps/{appId}`).
    fn prefix(&self) -> String {
        String::new()
    }

    /// The headers of a request to `endpoint`, credentials included when it takes them. `now_ms`
    /// is the time, for APIs whose tokens carry it.
    fn headers(&self, endpoint: &Endpoint<Self>, now_ms: i64) -> Result<Headers>;

    /// Checks a response's status and error body and returns its payload for the reader.
    fn open(&self, response: &HttpResponse) -> Result<Value>;

    /// Checks the normalized values of a request to `endpoint` (one per declared parameter, in
    /// order) beyond their kinds: the documented sizes and ranges an API has. Nothing by default.
    fn check(&self, _endpoint: &Endpoint<Self>, _values: &[Value]) -> Result<()> {
        Ok(())
    }

    /// The endpoint called `name`.
    fn endpoint(name: &str) -> Result<&'static Endpoint<Self>> {
        Self::endpoints()
            .iter()
            .copied()
            .find(|e| e.name == name)
            .ok_or_else(|| Error::invalid_argument(format!("no endpoint named {name:?}")))
    }

    /// The request for `endpoint` with `params` (a JSON object), checked against its declaration.
    fn request(&self, endpoint: &Endpoint<Self>, params: &Value, now_ms: i64) -> Result<HttpRequest> {
        let values = endpoint.normalize(params)?;
        self.check(endpoint, &values)?;
        let (path, body) = path_and_body(endpoint.path, endpoint.params, values)?;
        let url = format!("{}{}{path}", self.base_url(), self.prefix());
        let mut headers = self.headers(endpoint, now_ms)?;
        if let Some(media_type) = endpoint.raw_body() {
            headers.push("Content-Type", media_type);
        }
        Ok(HttpRequest { method: endpoint.method, url, headers, body })
    }

    /// The request for `endpoint` from a typed parameters value.
    fn request_typed<P: Serialize>(&self, endpoint: &Endpoint<Self>, params: &P) -> Result<HttpRequest> {
        let v = serde_json::to_value(params).map_err(|e| Error::invalid_argument(format!("params: {e}")))?;
        self.request(endpoint, &v, 0)
    }

    /// Reads the response to a request for `endpoint`; `now_ms` is for verifying signed data.
    fn parse(&self, endpoint: &Endpoint<Self>, response: &HttpResponse, now_ms: i64) -> Result<Value> {
        (endpoint.reader)(self, self.open(response)?, now_ms)
    }
}

/// Typed parameters read through an endpoint's declaration (defaults applied, unknown fields
/// refused unless the endpoint ignores them).
pub(crate) fn typed_params<A, P: DeserializeOwned>(endpoint: &Endpoint<A>, v: &Value) -> Result<P> {
    let mut o = Map::new();
    for (p, v) in endpoint.params.iter().zip(endpoint.normalize(v)?) {
        if !v.is_null() {
            o.insert(p.key.into(), v);
        }
    }
    serde_json::from_value(Value::Object(o)).map_err(|e| Error::invalid_argument(format!("params: {e}")))
}

/// A typed result as the JSON JS receives.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::malformed("result", e.to_string()))
}

/// Reads a store's error body into the error; the text it keeps goes through
/// [`upstream_text`](crate::clean_text::upstream_text) with the request's credential as the secret.
pub(crate) type ErrorReader = fn(&mut StoreApiError, &Value, Option<&str>);

/// A store API's answer: within the size limit; 2xx is its JSON body (`Null` when empty), anything
/// else `API_ERROR` with what `read_error` finds in the body (`secret` redacted from the decoded
/// strings, so that no escaping hides it) and the `Retry-After` header.
pub(crate) fn open_store_answer(response: &HttpResponse, what: &'static str, read_error: ErrorReader, secret: Option<&str>) -> Result<Value> {
    limits::check(what, response.body.len(), limits::MAX_API_RESPONSE)?;
    let status = response.status;
    if (200..300).contains(&status) {
        if response.body.trim().is_empty() {
            return Ok(Value::Null);
        }
        return serde_json::from_slice(response.body.as_bytes()).map_err(|_| Error::malformed(what, "the body is not JSON"));
    }
    let mut e = StoreApiError { status, retryable: status >= 500 || status == 429, ..StoreApiError::default() };
    e.retry_after_ms = response.headers.get("retry-after").and_then(|v| v.trim().parse::<u64>().ok()).map(|s| s.saturating_mul(1000));
    if let Ok(body) = serde_json::from_slice::<Value>(response.body.as_bytes()) {
        read_error(&mut e, &body, secret.filter(|s| !s.is_empty()));
    }
    Err(Error::StoreApi(Box::new(e)))
}

/// An API over a [`Transport`]: each call builds, sends once and parses. Retries are the
/// caller's choice (the JS clients retry reads; mutations are never retried).
#[derive(Debug)]
pub struct Client<A, T> {
    api: A,
    transport: T,
}

impl<A, T: Transport> Client<A, T> {
    /// A client for `api` that sends with `transport`.
    pub fn new(api: A, transport: T) -> Self {
        Self { api, transport }
    }

    /// The API.
    pub fn api(&self) -> &A {
        &self.api
    }

    /// The transport, e.g. to inspect a fake after a call.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Sends one request.
    pub fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse> {
        self.transport.send(request)
    }
}

/// Typed Rust methods for declared endpoints: `<name>_request(&P)`, `parse_<name>(&HttpResponse)
/// -> R` on the API, and `<call>(&P) -> R` on its [`Client`].
macro_rules! typed_endpoints {
    ($api:ty { $( $(#[doc = $doc:literal])* $endpoint:ident: $request:ident($params:ty), $parse:ident -> $result:ty = $decode:path, $call:ident; )* }) => {
        impl $api {
            $(
                $(#[doc = $doc])*
                pub fn $request(&self, p: &$params) -> $crate::error::Result<$crate::endpoint::HttpRequest> {
                    $crate::endpoint::ServerApi::request_typed(self, &$endpoint, p)
                }

                /// Reads the response of the request built by the method above.
                pub fn $parse(&self, r: &$crate::endpoint::HttpResponse) -> $crate::error::Result<$result> {
                    $decode(&$crate::endpoint::ServerApi::open(self, r)?)
                }
            )*
        }

        impl<T: $crate::endpoint::Transport> $crate::endpoint::Client<$api, T> {
            $(
                $(#[doc = $doc])*
                pub fn $call(&mut self, p: &$params) -> $crate::error::Result<$result> {
                    let request = self.api().$request(p)?;
                    let response = self.send(&request)?;
                    self.api().$parse(&response)
                }
            )*
        }
    };
}
pub(crate) use typed_endpoints;
