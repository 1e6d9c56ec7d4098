# Seeds for the Apple targets (sourced by scripts/fuzz.sh): real and self-made certificates,
# receipts (DER and Xcode BER) and JWS.
seed x509 ../shared/vectors/apple-root-*.cer ../shared/vectors/apple-root-*.der tests/vectors/testpki/*.der
for pem in ../shared/certs/*.pem; do
  mkdir -p fuzz/corpus/x509
  openssl x509 -in "$pem" -outform DER -out "fuzz/corpus/x509/seed-$(basename "$pem").der" 2>/dev/null || true
done
mkdir -p fuzz/corpus/apple_receipt
for f in ../shared/vectors/apple-receipt-*.b64 ../shared/vectors/apple-ios6-*.b64; do
  base64 -d "$f" > "fuzz/corpus/apple_receipt/seed-$(basename "$f").der" 2>/dev/null || true
done
seed apple_receipt tests/vectors/testpki/receipt-*.der ../shared/vectors/apple-ios6-*.b64
seed apple_jws ../shared/vectors/apple-jws-*.jws
