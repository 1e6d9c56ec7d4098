//! Prints the declarations the package's JavaScript side is generated from, as JSON:
//! `{ "endpoints": { "<api>": [declaration, ...] }, "errorCodes": [...], "knownFields": {...},
//! "models": [{ "name", "docs", "decl" }, ...] }`.
//! `scripts/gen-endpoints.mjs` turns them into the endpoint table, the client classes' TypeScript,
//! the `IapErrorCode` union, the models' TypeScript (`pkg/web/models.d.ts`) and the dashboard's lists
//! of known fields (`www/page/fields.js`). A native program, so the declarations' doc lines and types stay
//! out of the wasm module.

use iap_verify::apple::AppStoreServerApi;
use iap_verify::endpoint::ServerApi;
use iap_verify::google::GooglePlayApi;
use iap_verify::nhn::{GamebaseApi, IapApi};
use iap_verify::onestore::OneStoreApi;
use iap_verify::ErrorCode;
use serde_json::{json, Map, Value};

fn describe<A: ServerApi>() -> Value {
    A::endpoints().iter().map(|e| e.describe()).collect()
}

fn main() {
    let mut endpoints = Map::new();
    endpoints.insert("iap".into(), describe::<IapApi>());
    endpoints.insert("gamebase".into(), describe::<GamebaseApi>());
    endpoints.insert("appstore".into(), describe::<AppStoreServerApi>());
    endpoints.insert("googleplay".into(), describe::<GooglePlayApi>());
    endpoints.insert("onestore".into(), describe::<OneStoreApi>());
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let known: Map<String, Value> = iap_verify::binding::known_fields().into_iter().map(|(kind, names)| (kind.into(), json!(names))).collect();
    let models: Vec<Value> = iap_verify::typescript::declarations()
        .into_iter()
        .map(|d| json!({ "name": d.name, "docs": d.docs, "decl": d.decl }))
        .collect();
    println!("{}", json!({ "endpoints": endpoints, "errorCodes": codes, "knownFields": known, "models": models }));
}
