#!/usr/bin/env bash
# Regenerates the self-made Google Play and ONE store vectors in tests/vectors/{google,onestore}/.
# Test keys only: they sign nothing real. Needs openssl. Run from anywhere; it writes next to itself.
set -euo pipefail
cd "$(dirname "$0")"

b64() { openssl base64 -A; }
spki_b64() { openssl pkey -in "$1" -pubout -outform DER | b64; }
sign() { # sign <digest> <key> <file>
  openssl dgst "-$1" -sign "$2" "$3" | b64
}

# --- Google Play: RSA-2048, SHA1withRSA over the exact bytes --------------------------------------
g=google
[ -f $g/test-key-2048.pem ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $g/test-key-2048.pem 2>/dev/null
[ -f $g/test-key-1024.pem ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out $g/test-key-1024.pem 2>/dev/null
[ -f $g/other-key-2048.pem ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $g/other-key-2048.pem 2>/dev/null
[ -f $g/ec-p256.pem ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $g/ec-p256.pem 2>/dev/null
spki_b64 $g/test-key-2048.pem > $g/test-key-2048.pub
spki_b64 $g/test-key-1024.pem > $g/test-key-1024.pub
spki_b64 $g/other-key-2048.pem > $g/other-key-2048.pub
spki_b64 $g/ec-p256.pem > $g/ec-p256.pub

# A one-time product with every documented field plus one Google may add later (kept in `extra`).
printf '%s' '{"orderId":"GPA.3301-1234-5678-90123","packageName":"com.example.game","productId":"gem_pack_100","purchaseTime":1764000000123,"purchaseState":0,"purchaseToken":"opaque-token-abc.AO-J1Oy","quantity":2,"acknowledged":false,"obfuscatedAccountId":"acct-7f3a","obfuscatedProfileId":"prof-19","developerPayload":"","futureField":{"nested":[1,"two"]}}' > $g/consumable.json
# A subscription as Android sends it: pretty-printed with a trailing newline (all of it signed).
printf '{\n  "orderId": "GPA.3301-1234-5678-90124..0",\n  "packageName": "com.example.game",\n  "productId": "vip_monthly",\n  "purchaseTime": 1764000000999,\n  "purchaseState": 0,\n  "purchaseToken": "sub-token-\\u00e9\\/x",\n  "autoRenewing": true,\n  "acknowledged": true\n}\n' > $g/subscription.json
printf '%s' '{"packageName":"com.example.game","productId":"gem_pack_100","purchaseTime":1764000000123,"purchaseState":4,"purchaseToken":"pending-token"}' > $g/pending.json
printf '%s' '[{"orderId":"GPA.1"}]' > $g/not-an-object.json
printf '%s' '{"orderId":"GPA.1","productId":"cheap_item","productId":"expensive_item","purchaseState":0}' > $g/duplicate-key.json
# The same ambiguity one level down (a field this version does not know), and in an unknown field.
printf '%s' '{"orderId":"GPA.1","productId":"cheap_item","purchaseState":0,"futureField":{"price":1,"price":1000}}' > $g/duplicate-nested.json
printf '%s' '{"orderId":"GPA.1","productId":"cheap_item","purchaseState":0,"futureField":"a","futureField":"b"}' > $g/duplicate-unknown.json
# Signed, but not clean UTF-8 JSON: a byte-order mark before the object, a Latin-1 byte inside.
printf '\xef\xbb\xbf{"orderId":"GPA.1","productId":"bom_item","purchaseState":0}' > $g/bom.json
printf '{"orderId":"GPA.1","productId":"caf\xe9","purchaseState":0}' > $g/latin1.json
for f in consumable subscription pending not-an-object duplicate-key duplicate-nested duplicate-unknown bom latin1; do
  sign sha1 $g/test-key-2048.pem $g/$f.json > $g/$f.sig
done
sign sha256 $g/test-key-2048.pem $g/consumable.json > $g/consumable.sha256.sig
sign sha1 $g/test-key-1024.pem $g/consumable.json > $g/consumable.1024.sig
# The same purchase re-serialized (spaces after separators): its signature must not verify the original.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.stdout.write(json.dumps(d))' $g/consumable.json > $g/consumable.reserialized.json
sign sha1 $g/test-key-2048.pem $g/consumable.reserialized.json > $g/consumable.reserialized.sig

# --- ONE store: RSA-2048, SHA512withRSA --------------------------------------------------------------
o=onestore
[ -f $o/test-key-2048.pem ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $o/test-key-2048.pem 2>/dev/null
spki_b64 $o/test-key-2048.pem > $o/test-key-2048.pub
# v21 field set.
printf '%s' '{"orderId":"ONESTORE7_000000000000000000000000312345","packageName":"com.example.game","productId":"gem_pack_100","purchaseTime":1764000000456,"purchaseId":"SANDBOX3000000312345","purchaseToken":"TOKEN3000000312345","developerPayload":"order-99","purchaseState":0,"recurringState":-1,"quantity":1,"acknowledgeState":0}' > $o/v21.json
# v17 shape: no token, purchaseId only.
printf '%s' '{"orderId":"ONESTORE7_000000000000000000000000286796","packageName":"com.example.game","productId":"vip_monthly","purchaseTime":1548750220058,"purchaseId":"SANDBOX3000000288794","developerPayload":"p","purchaseState":0,"recurringState":0}' > $o/v17.json
# A duplicate key inside an array of objects.
printf '%s' '{"orderId":"ONESTORE7_1","packageName":"com.example.game","productId":"gem_pack_100","purchaseTime":1764000000456,"purchaseId":"SANDBOX1","purchaseState":0,"bundle":[{"item":"a","count":1,"count":99}]}' > $o/duplicate-nested.json
for f in v21 v17 duplicate-nested; do sign sha512 $o/test-key-2048.pem $o/$f.json > $o/$f.sig; done
sign sha1 $o/test-key-2048.pem $o/v21.json > $o/v21.sha1.sig
echo "regenerated $(ls $g $o | wc -l) files"
