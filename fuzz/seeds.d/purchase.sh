# Seeds for the purchase-state targets (sourced by scripts/fuzz.sh): a saved flow, store documents
# and subscription inputs.
seed payment_flow tests/vectors/purchase/*.json
seed purchase_sources tests/vectors/google/*.json tests/vectors/onestore/*.json tests/vectors/purchase/*.json
mkdir -p fuzz/corpus/subscription_status
printf '%s' '{"source":"APPLE","transaction":{"originalTransactionId":"1","expiresDate":1700000000000},"renewalInfo":{"originalTransactionId":"1","autoRenewStatus":1,"gracePeriodExpiresDate":1700100000000,"isInBillingRetryPeriod":true}}' > fuzz/corpus/subscription_status/seed-apple.json
printf '%s' '{"source":"GOOGLE","subscription":{"subscriptionState":"SUBSCRIPTION_STATE_IN_GRACE_PERIOD","startTime":"2023-11-01T00:00:00Z","lineItems":[{"expiryTime":"2023-11-14T22:13:20.5Z","autoRenewingPlan":{"autoRenewEnabled":true}}]}}' > fuzz/corpus/subscription_status/seed-google.json
printf '%s' '{"source":"NHN","record":{"referenceStatus":"IN_GRACE","purchaseTime":"2023-11-01T09:00:00+09:00","expiryTime":"2023-11-15T07:13:20+09:00"}}' > fuzz/corpus/subscription_status/seed-nhn.json
