#!/usr/bin/env bash
# Writes google/pubsub-jwks.json: the public halves of the self-made RSA test keys of
# gen-rsa-purchases.sh as a JWK set shaped like Google's https://www.googleapis.com/oauth2/v3/certs
# (kty, alg RS256, use sig, kid, n, e), for the Pub/Sub push-authentication tests. Test keys only.
# Needs openssl and xxd. Run from anywhere; it writes next to itself.
set -euo pipefail
cd "$(dirname "$0")/google"

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
modulus() { openssl pkey -in "$1" -pubout | openssl rsa -pubin -noout -modulus | sed 's/^Modulus=//' | xxd -r -p | b64url; }
jwk() { # jwk <kid> <pem>
  printf '{"kty":"RSA","alg":"RS256","use":"sig","kid":"%s","n":"%s","e":"AQAB"}' "$1" "$(modulus "$2")"
}

printf '{"keys":[%s,%s]}\n' "$(jwk test-key-2048 test-key-2048.pem)" "$(jwk other-key-2048 other-key-2048.pem)" > pubsub-jwks.json
printf '{"keys":[%s]}\n' "$(jwk test-key-1024 test-key-1024.pem)" > pubsub-jwks-1024.json
