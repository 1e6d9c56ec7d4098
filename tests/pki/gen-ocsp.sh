#!/usr/bin/env bash
# Generates the self-made PKI and the OCSP responses for the online-check tests into
# tests/vectors/testpki-ocsp/. Nothing here is Apple's: every key is fresh. It is separate from
# gen.sh so that regenerating one does not replace the other's files.
#
#   root (P-384, self-signed CA)
#   └─ int (P-384, CA, OID 1.2.840.113635.100.6.2.1; AIA OCSP http://ocsp.iap-verify.test/root)
#      ├─ leaf-<case> (P-256, OID 1.2.840.113635.100.6.11.1; AIA OCSP http://ocsp.iap-verify.test/<case>)
#      │    cases: good revoked unknown badsig stale slow; leaf-noaia has no AIA extension.
#      │    Every leaf has the same key (leaf.pk8), so one key signs tokens for all of them.
#      ├─ responder (delegated OCSP signer: extendedKeyUsage OCSPSigning)
#      └─ responder-noeku (the same without OCSPSigning: not authorized)
#   rogue (self-signed, OCSPSigning): signs the "badsig" response, so its signer is not the issuer.
#
# Responses (DER, `openssl ocsp` in responder mode over an index file), valid for 100 years unless
# said otherwise, for requests with a SHA-256 CertID and no nonce (req-*.der) unless said otherwise:
#   resp-good.der (by int), resp-good-delegated.der (by responder), resp-good-noeku.der
#   (by responder-noeku), resp-revoked.der (keyCompromise), resp-unknown.der (leaf-unknown is not
#   in the index), resp-badsig.der (by rogue), resp-stale.der (nextUpdate one minute after
#   generation), resp-slow.der, resp-int.der (the intermediate, by root), resp-nonce.der (for
#   req-nonce.der, which carries a nonce; the response echoes it), resp-nonext.der (no nextUpdate).
#
# Requires openssl (3.x). Usage: bash tests/pki/gen-ocsp.sh
set -euo pipefail
cd "$(dirname "$0")/../vectors"
OUT=testpki-ocsp
rm -rf "$OUT" && mkdir -p "$OUT"
cd "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
URL=http://ocsp.iap-verify.test

{
cat <<'CNF'
[ca]
default_ca = testca
[testca]
database = WORK/index.txt
new_certs_dir = WORK
serial = WORK/serial
policy = anything
unique_subject = no
copy_extensions = none
default_md = sha384
[anything]
commonName = supplied
organizationName = optional
countryName = optional
[root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[int]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:URL/root
1.2.840.113635.100.6.2.1 = DER:05:00
[leaf_noaia]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
1.2.840.113635.100.6.11.1 = DER:05:00
[responder]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
[responder_noeku]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
CNF
for c in good revoked unknown badsig stale slow; do
  printf '[leaf_%s]\nbasicConstraints = critical,CA:false\nkeyUsage = critical,digitalSignature\n' "$c"
  printf 'authorityInfoAccess = OCSP;URI:URL/%s\n1.2.840.113635.100.6.11.1 = DER:05:00\n' "$c"
done
} > "$WORK/ca.cnf"
sed -i "s#WORK#$WORK#g; s#URL#$URL#g" "$WORK/ca.cnf"
touch "$WORK/index.txt"
echo 2000 > "$WORK/serial"

key_ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" -out "$WORK/$1.key" 2>/dev/null
           openssl pkcs8 -topk8 -nocrypt -in "$WORK/$1.key" -outform DER -out "$1.pk8"; }
# cert NAME KEY ISSUER|self ISSUER_KEY SECTION "SUBJECT"
cert() {
  local name=$1 key=$2 icert=$3 ikey=$4 sect=$5 subj=$6
  openssl req -new -key "$WORK/$key.key" -subj "$subj" -out "$WORK/$name.csr"
  local issuer=(-cert "$icert.pem" -keyfile "$WORK/$ikey.key")
  [ "$icert" = self ] && issuer=(-selfsign -keyfile "$WORK/$ikey.key")
  openssl ca -batch -config "$WORK/ca.cnf" "${issuer[@]}" -in "$WORK/$name.csr" -extensions "$sect" \
    -startdate 20200101000000Z -enddate 20450101000000Z -out "$WORK/$name.pem" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  openssl x509 -in "$WORK/$name.pem" -out "$name.pem"
  openssl x509 -in "$WORK/$name.pem" -outform DER -out "$name.der"
}

key_ec root P-384; key_ec int P-384; key_ec leaf P-256; key_ec responder P-256; key_ec rogue P-256
cert root root self root root "/CN=OCSP Test Root CA/O=iap-verify tests/C=US"
cert int int root root int "/CN=OCSP Test WWDR Intermediate/O=iap-verify tests/C=US"
for c in good revoked unknown badsig stale slow; do
  cert "leaf-$c" leaf int int "leaf_$c" "/CN=OCSP Test Leaf $c/O=iap-verify tests/C=US"
done
cert leaf-noaia leaf int int leaf_noaia "/CN=OCSP Test Leaf noaia/O=iap-verify tests/C=US"
cert responder responder int int responder "/CN=OCSP Test Responder/O=iap-verify tests/C=US"
cert responder-noeku responder int int responder_noeku "/CN=OCSP Test Responder without EKU/O=iap-verify tests/C=US"
cert rogue rogue self rogue responder "/CN=OCSP Test Rogue Responder/O=iap-verify tests/C=US"
openssl ca -config "$WORK/ca.cnf" -cert int.pem -keyfile "$WORK/int.key" -revoke leaf-revoked.pem \
  -crl_reason keyCompromise 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
# leaf-unknown is not in the index the responder answers from: its status is "unknown".
grep -v "OCSP Test Leaf unknown" "$WORK/index.txt" > "$WORK/index-known.txt"

# request NAME CERT ISSUER [openssl ocsp options...]
request() { local name=$1 cert=$2 issuer=$3; shift 3
            openssl ocsp -issuer "$issuer.pem" -sha256 -cert "$cert.pem" "$@" -reqout "req-$name.der" >/dev/null; }
# respond NAME REQUEST CA SIGNER [options...]
respond() { local name=$1 req=$2 ca=$3 signer=$4; shift 4
            openssl ocsp -index "$WORK/index-known.txt" -CA "$ca.pem" -rsigner "$signer.pem" -rkey "$WORK/$signer.key" \
              -reqin "req-$req.der" -respout "resp-$name.der" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }; }
cp responder-noeku.pem "$WORK/"; cp "$WORK/responder.key" "$WORK/responder-noeku.key"
for c in good revoked unknown badsig stale slow; do request "$c" "leaf-$c" int -no_nonce; done
request int int root -no_nonce
request nonce leaf-good int -nonce
Y=36500
respond good good int int -ndays $Y
respond good-delegated good int responder -ndays $Y
respond good-noeku good int responder-noeku -ndays $Y
respond revoked revoked int int -ndays $Y
respond unknown unknown int int -ndays $Y
respond badsig badsig int rogue -ndays $Y
respond stale stale int int -nmin 1
respond slow slow int int -ndays $Y
respond int int root root -ndays $Y
respond nonce nonce int int -ndays $Y
respond nonext good int int
rm -f ./*.pem.srl
# Each response verifies as openssl reads it (the bad-signature one must not).
for r in good good-delegated revoked unknown stale slow nonce nonext; do
  openssl ocsp -respin "resp-$r.der" -issuer int.pem -CAfile root.pem -no_nonce >/dev/null 2>&1 || { echo "resp-$r does not verify"; exit 1; }
done
openssl ocsp -respin resp-int.der -issuer root.pem -CAfile root.pem -no_nonce >/dev/null 2>&1 || { echo "resp-int does not verify"; exit 1; }
if openssl ocsp -respin resp-badsig.der -issuer int.pem -CAfile root.pem -no_nonce >/dev/null 2>&1; then echo "resp-badsig verifies"; exit 1; fi
ls
