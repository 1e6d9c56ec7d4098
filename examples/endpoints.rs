//! Prints every server API's endpoint declarations as JSON, `{ "<api>": [declaration, ...] }`:
//! what `scripts/gen-endpoints.mjs` turns into the package's endpoint table and TypeScript types.
//! A native program, so the declarations' doc lines and types stay out of the wasm module.

use iap_verify::endpoint::ServerApi;
use iap_verify::apple::AppStoreServerApi;
use iap_verify::google::GooglePlayApi;
use iap_verify::nhn::{GamebaseApi, IapApi};
use serde_json::{Map, Value};

fn describe<A: ServerApi>() -> Value {
    A::endpoints().iter().map(|e| e.describe()).collect()
}

fn main() {
    let mut all = Map::new();
    all.insert("iap".into(), describe::<IapApi>());
    all.insert("gamebase".into(), describe::<GamebaseApi>());
    all.insert("appstore".into(), describe::<AppStoreServerApi>());
    all.insert("googleplay".into(), describe::<GooglePlayApi>());
    println!("{}", Value::Object(all));
}
