//! NHN Cloud IAP server API and Gamebase purchase API, sans-I/O.
//!
//! Each endpoint has a request builder (`*_request`, giving an [`HttpRequest`]) and a response
//! parser (`parse_*`, reading an [`HttpResponse`] into a typed result or a typed error). Who
//! sends the request is not this module's business: the wasm layer uses `fetch`, native code
//! can implement [`Transport`], tests use a fake. [`IapClient`] and [`GamebaseClient`] glue the
//! three together for one-shot calls.
//!
//! Errors: `isSuccessful: false` is `API_ERROR` with `resultCode`/`resultMessage` (the server's
//! text only in details, cleaned (see [`crate::Error::Api`]); 5018 is
//! `ALREADY_CONSUMED`); a non-2xx status is `API_ERROR` with the status; a body that is not the
//! envelope is `MALFORMED_INPUT`; over [`crate::limits::MAX_API_RESPONSE`] is `INPUT_TOO_LARGE`.
//! Credentials never appear in errors or in `Debug` output.

mod envelope;
mod fields;
pub mod gamebase;
pub mod iap;
mod model;
mod record;

#[cfg(test)]
mod tests;

pub use envelope::ALREADY_CONSUMED_CODE;
pub use crate::endpoint::{FromJson, Headers, HttpRequest, HttpResponse, Method, Transport};
pub use gamebase::{GamebaseApi, GamebaseClient};
pub use iap::{IapApi, IapClient, PaymentRef};
pub use model::{MarketId, ProductType, ReferenceStatus};
pub use record::{ActiveSubscription, ConsumeResult, Consumable, Payment, SubscriptionTimes};
