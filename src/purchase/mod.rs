//! What a server does with a purchase once it is known to be genuine.
//!
//! * [`model`]: one [`Purchase`] shape for every store, made only from verified values through
//!   [`IntoPurchase`].
//! * [`flow`]: [`PaymentFlow`], the pure reducer of the NHN server-to-server payment flow
//!   (verify → consume at the IAP server → deliver → complete) that never delivers twice.
//! * [`subscription`]: [`subscription_status`], whether a subscriber is entitled at an instant.
//!
//! Nothing here reads the clock or does I/O: instants are epoch milliseconds given by the caller.

mod flow;
pub(crate) mod model;
pub(crate) mod sources;
mod subscription;
mod verified;

pub use flow::{Applied, Effect, FlowEvent, FlowState, PaymentFlow, StartParams};
pub use model::{Environment, IntoPurchase, Offer, OfferType, ProductType, Purchase, PurchaseState, PurchaseType, Store};
pub use subscription::{
    subscription_status, subscription_status_json, SubscriptionInput, SubscriptionState, SubscriptionStatus,
};
