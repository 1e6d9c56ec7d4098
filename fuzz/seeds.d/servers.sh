# Seeds for the server-answer targets (sourced by scripts/fuzz.sh). The first byte of an answer
# input picks the endpoint (modulo their number; for play_answer, one past the last is the token
# answer), the second is its HTTP status (under 100: 200; else twice the byte), the rest its body.
answer() { # answer <target> <name> <endpoint-byte> <status-byte> <body>
  mkdir -p "fuzz/corpus/$1"
  { printf "\\$(printf '%03o' "$3")\\$(printf '%03o' "$4")"; printf '%s' "$5"; } > "fuzz/corpus/$1/seed-$2"
}
answer app_store_answer history 1 0 '{"signedTransactions":["a.b.c"],"revision":"r1","hasMore":true,"bundleId":"com.example.app","environment":"Sandbox"}'
answer app_store_answer statuses 2 0 '{"data":[{"subscriptionGroupIdentifier":"g","lastTransactions":[{"status":1,"originalTransactionId":"1","signedTransactionInfo":null}]}]}'
answer app_store_answer notifications 10 0 '{"notificationHistory":[{"signedPayload":"x.y.z","sendAttempts":[]}],"hasMore":false,"paginationToken":"p"}'
answer app_store_answer error404 0 202 '{"errorCode":4040010,"errorMessage":"Transaction id not found."}'
answer app_store_answer error428 3 214 '{"errorCode":4290000,"errorMessage":"Rate limit exceeded."}'
answer play_answer product 0 0 '{"purchaseTimeMillis":"1717243200000","purchaseState":0,"consumptionState":0,"acknowledgementState":0,"orderId":"GPA.1","kind":"androidpublisher#productPurchase"}'
answer play_answer subscription 3 0 '{"startTime":"2024-06-01T12:00:00Z","subscriptionState":"SUBSCRIPTION_STATE_ACTIVE","lineItems":[{"productId":"p","expiryTime":"2024-07-01T12:00:00.5Z"}]}'
answer play_answer voided 8 0 '{"tokenPagination":{"nextPageToken":"n"},"voidedPurchases":[{"purchaseToken":"t","voidedTimeMillis":"5"}]}'
answer play_answer token 9 0 '{"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"}'
answer play_answer error 0 205 '{"error":{"code":410,"message":"gone","status":"GONE"}}'
seed ocsp_response tests/vectors/testpki-ocsp/resp-*.der
seed pubsub_token tests/vectors/google/pubsub-jwks*.json
mkdir -p fuzz/corpus/pubsub_token fuzz/corpus/model_fields
printf 'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3Qta2V5LTIwNDgiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwczovL2FjY291bnRzLmdvb2dsZS5jb20iLCJhdWQiOiJodHRwczovL2V4YW1wbGUuY29tL3B1c2gifQ.c2ln' > fuzz/corpus/pubsub_token/seed-bearer
# The payloads of the public Apple JWS, for the model reader and the as-sent scanner.
for f in tests/vectors/public/apple-jws-*.jws; do
  python3 -c 'import sys, base64; p = open(sys.argv[1]).read().strip().split(".")[1]; sys.stdout.buffer.write(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))' "$f" \
    > "fuzz/corpus/model_fields/seed-$(basename "$f").json" 2>/dev/null || true
done
# ONE store: PNS and SNS bodies; API answers (the first byte picks the endpoint, the second is the status).
seed onestore_notification tests/vectors/onestore/pns-*.json tests/vectors/onestore/sns-*.json
mkdir -p fuzz/corpus/onestore_answer
printf '\0\0%s' '{"consumptionState":0,"purchaseState":0,"purchaseTime":1717243200000,"purchaseId":"P","acknowledgeState":0,"quantity":1}' > fuzz/corpus/onestore_answer/seed-details
printf '\1\0%s' '{"startTime":1717243200000,"expiryTime":"2024-07-01 12:00:00","autoRenewing":true}' > fuzz/corpus/onestore_answer/seed-recurring
printf '\6\0%s' '{"continuationKey":"k","voidedPurchaseList ":[{"purchaseId":"P","voidedTime":1}]}' > fuzz/corpus/onestore_answer/seed-voided
printf '\7\0%s' '{"expiryTimeMillis":1719835200000,"priceChange":{"applyTimeMillis":1722427200000}}' > fuzz/corpus/onestore_answer/seed-subscription
printf '\2\310%s' '{"error":{"code":"ServiceMaintenance","message":"later"}}' > fuzz/corpus/onestore_answer/seed-error
printf '\13\0%s' '{"access_token":"x","token_type":"bearer","expires_in":3010,"scope":"DEFAULT"}' > fuzz/corpus/onestore_answer/seed-token
