# Seeds for the purchase-state targets (sourced by scripts/fuzz.sh): a saved flow, store documents
# and subscription inputs.
seed payment_flow tests/vectors/purchase/*.json
seed purchase_sources tests/vectors/google/*.json tests/vectors/onestore/*.json tests/vectors/purchase/*.json
mkdir -p fuzz/corpus/subscription_status
printf '%s' '{"source":"APPLE","transaction":{"originalTransactionId":"1","expiresDate":1700000000000},"renewalInfo":{"originalTransactionId":"1","autoRenewStatus":1,"gracePeriodExpiresDate":1700100000000,"isInBillingRetryPeriod":true}}' > fuzz/corpus/subscription_status/seed-apple.json
printf '%s' '{"source":"GOOGLE","subscription":{"subscriptionState":"SUBSCRIPTION_STATE_IN_GRACE_PERIOD","startTime":"2023-11-01T00:00:00Z","lineItems":[{"expiryTime":"2023-11-14T22:13:20.5Z","autoRenewingPlan":{"autoRenewEnabled":true}}]}}' > fuzz/corpus/subscription_status/seed-google.json
printf '%s' '{"source":"NHN","record":{"referenceStatus":"IN_GRACE","purchaseTime":"2023-11-01T09:00:00+09:00","expiryTime":"2023-11-15T07:13:20+09:00"}}' > fuzz/corpus/subscription_status/seed-nhn.json
# Notifications to events: RTDN push bodies, ONE store PNS and SNS bodies, and decoded App Store
# notifications of every type.
seed store_event tests/vectors/rtdn/*.json tests/vectors/onestore/pns-*.json tests/vectors/onestore/sns-*.json
mkdir -p fuzz/corpus/store_event
for t in SUBSCRIBED DID_RENEW DID_FAIL_TO_RENEW REFUND CONSUMPTION_REQUEST OFFER_REDEEMED EXPIRED; do
  printf '{"notificationType":"%s","subtype":"GRACE_PERIOD","notificationUUID":"u","signedDate":1700000000000,"data":{"decodedTransactionInfo":{"transactionId":"1","productId":"p","purchaseDate":1,"quantity":1,"type":"Consumable","revocationReason":1,"revocationType":"REFUND_PRORATED"}}}' "$t" > "fuzz/corpus/store_event/seed-apple-$t.json"
done
