//! What a server does with a purchase once it is known to be genuine.
//!
//! * [`Purchase`]: one shape for a Google Play, ONE store, App Store or NHN purchase, made only
//!   from verified values through [`IntoPurchase`] (and [`VerifiedAppReceipt::to_purchases`] for
//!   a receipt's entries). Its fields are private; read them with the accessors.
//! * [`PaymentFlow`]: the pure reducer of the NHN server-to-server payment flow (verify → consume
//!   at the IAP server → deliver → complete) that never delivers twice.
//! * [`subscription_status`]: whether a subscriber is entitled at an instant.
//! * [`StoreEvent`]: every store's notification as one event, in one closed list of types.
//!
//! The store enums ([`Store`], [`ProductType`], [`Environment`], …) are *open*: a value this
//! version does not know (a new store code, product type, Apple environment) becomes
//! `Unknown(raw)` and round-trips as the raw string, never an error.
//!
//! Nothing here reads the clock or does I/O: instants are epoch milliseconds given by the caller.
//!
//! [`VerifiedAppReceipt::to_purchases`]: crate::apple::VerifiedAppReceipt::to_purchases

pub(crate) mod event;
mod flow;
pub(crate) mod model;
pub(crate) mod sources;
mod subscription;
mod verified;

pub use event::{EventType, StoreEvent};
pub use flow::{Applied, Effect, FlowEvent, FlowState, PaymentFlow, StartParams};
pub use model::{Environment, IntoPurchase, Offer, OfferType, ProductType, Purchase, PurchaseState, PurchaseType, Store};
pub use subscription::{
    subscription_status, subscription_status_json, SubscriptionInput, SubscriptionState, SubscriptionStatus,
};
