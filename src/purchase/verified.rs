//! [`IntoPurchase`] for the verified types of the store modules, and
//! [`VerifiedAppReceipt::to_purchases`] for a receipt's in-app entries.
//!
//! Each verified type serializes to its store's own JSON field names, so the conversion goes
//! through that JSON and the store's function in [`super::sources`]; one mapping per store.
//! (The NHN API records and Play Developer API resources map through the same functions, but
//! only for a binding's snapshots: see the `binding` feature.)

use serde::Serialize;

use super::model::{IntoPurchase, Purchase};
use super::sources;
use crate::apple::{Verified, VerifiedAppReceipt};
use crate::apple::models::JwsTransactionDecodedPayload;
use crate::error::{Error, Result};
use crate::google::VerifiedGooglePurchase;
use crate::onestore::VerifiedOneStorePurchase;

pub(crate) fn to_value(what: &'static str, v: &impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::malformed(what, e.to_string()))
}

impl IntoPurchase for VerifiedGooglePurchase {
    fn to_purchase(&self) -> Result<Purchase> {
        sources::google_purchase_data(&to_value("Google purchase data", self.purchase())?)
    }
}

impl IntoPurchase for VerifiedOneStorePurchase {
    fn to_purchase(&self) -> Result<Purchase> {
        sources::onestore_purchase_data(&to_value("ONE store purchase data", self.purchase())?)
    }
}

impl IntoPurchase for Verified<JwsTransactionDecodedPayload> {
    fn to_purchase(&self) -> Result<Purchase> {
        sources::apple_transaction(&to_value("Apple transaction", self.payload())?)
    }
}

impl VerifiedAppReceipt {
    /// The receipt's in-app purchases (attribute 17), in receipt order, each as a [`Purchase`]
    /// of the App Store (`purchaseType` `TEST` unless the receipt's type is `Production`).
    /// `MALFORMED_INPUT` when an entry lacks what a purchase needs (its product id,
    /// transaction id or purchase date).
    pub fn to_purchases(&self) -> Result<Vec<Purchase>> {
        let receipt = self.receipt();
        let receipt_type = receipt.receipt_type.as_deref();
        receipt
            .in_app
            .iter()
            .map(|entry| sources::apple_receipt_in_app(&to_value("Apple receipt in-app entry", entry)?, receipt_type))
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::google::{GoogleVerifier, VerifyOptions};
    use crate::onestore::OneStoreVerifier;
    use crate::purchase::{Environment, PurchaseType, Store};

    fn own(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }
    fn text(name: &str) -> String {
        String::from_utf8(own(name)).unwrap()
    }

    #[test]
    fn verified_google_purchase() {
        let v = GoogleVerifier::new(&text("google/test-key-2048.pub"), VerifyOptions::default()).unwrap();
        let verified = v.verify(&own("google/consumable.json"), &text("google/consumable.sig")).unwrap();
        let p = verified.to_purchase().unwrap();
        assert_eq!(p.store(), &Store::GooglePlay);
        assert_eq!(p.product_id(), "gem_pack_100");
        assert_eq!(p.transaction_id(), Some("GPA.3301-1234-5678-90123"));
        assert_eq!(p.quantity(), 2);
        assert_eq!(p.account_id(), Some("acct-7f3a"));
        assert_eq!(p.environment(), &Environment::Production);
        // Unknown fields survive into the source value.
        assert_eq!(p.source()["futureField"]["nested"][1], "two");
    }

    #[test]
    fn verified_onestore_purchase() {
        let v = OneStoreVerifier::new(&text("onestore/test-key-2048.pub"), VerifyOptions::default()).unwrap();
        let verified = v.verify(&own("onestore/v21.json"), &text("onestore/v21.sig")).unwrap();
        let p = verified.to_purchase().unwrap();
        assert_eq!(p.store(), &Store::OneStore);
        assert_eq!(p.purchase_token(), Some("TOKEN3000000312345"));
        assert_eq!(p.environment(), &Environment::Sandbox);
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
    }
}
