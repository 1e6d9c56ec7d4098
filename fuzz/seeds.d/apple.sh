# Seeds for the Apple targets (sourced by scripts/fuzz.sh): real and self-made certificates,
# receipts (DER and Xcode BER) and JWS.
seed x509 tests/vectors/public/apple-root-*.cer tests/vectors/public/apple-root-*.der tests/vectors/testpki/*.der
for pem in tests/vectors/public/certs/*.pem; do
  mkdir -p fuzz/corpus/x509
  openssl x509 -in "$pem" -outform DER -out "fuzz/corpus/x509/seed-$(basename "$pem").der" 2>/dev/null || true
done
mkdir -p fuzz/corpus/apple_receipt
for f in tests/vectors/public/apple-receipt-*.b64 tests/vectors/public/apple-ios6-*.b64; do
  base64 -d "$f" > "fuzz/corpus/apple_receipt/seed-$(basename "$f").der" 2>/dev/null || true
done
seed apple_receipt tests/vectors/testpki/receipt-*.der tests/vectors/public/apple-ios6-*.b64
seed apple_jws tests/vectors/public/apple-jws-*.jws
# The signature creators: a key (PEM and DER, each picked by its first byte), Advanced Commerce requests.
mkdir -p fuzz/corpus/signature_creators
{ printf '\0'; cat tests/vectors/public/apple-library-3.1.0/tests/resources/certs/testSigningKey.p8; } > fuzz/corpus/signature_creators/seed-p8-pem
{ printf '\4'; cat tests/vectors/testpki/leaf-ec.pk8; } > fuzz/corpus/signature_creators/seed-p8-der
for f in tests/vectors/public/apple-library-3.1.0/tests/resources/models/advancedCommerce*Request.json; do
  { printf '\1'; cat "$f"; } > "fuzz/corpus/signature_creators/seed-$(basename "$f")"
done
