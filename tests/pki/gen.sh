#!/usr/bin/env bash
# Generates the self-made test PKI that imitates Apple's, and a few receipts signed with it, into
# tests/vectors/testpki/. Nothing here is Apple's: every key is fresh. Re-running replaces the
# files (new keys, new signatures); the Rust tests read them and build further tokens/receipts
# from the keys, so they hold for any regeneration.
#
#   EC (StoreKit 2 JWS):  root-ec (P-384, self-signed CA) → int-ec (P-384, CA, OID 1.2.840.113635.100.6.2.1)
#                         → leaf-ec (P-256, OID 1.2.840.113635.100.6.11.1)
#   RSA (app receipts):   root-rsa (RSA-2048) → int-rsa (CA, 6.2.1) → leaf-rsa (6.11.1)
#   Variants: leaf without 6.11.1, intermediate without 6.2.1 (same key and name as the good one),
#   intermediate that is not a CA, leaf expired in 2021, leaf not valid before 2040, a second
#   unrelated root ("wrong root"), a SHA-1 RSA chain (sha1WithRSA certificates).
#
# Requires openssl (3.x). Usage: bash tests/pki/gen.sh
set -euo pipefail
cd "$(dirname "$0")/../vectors"
OUT=testpki
rm -rf "$OUT" && mkdir -p "$OUT"
cd "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/ca.cnf" <<'CNF'
[ca]
default_ca = testca
[testca]
database = WORK/index.txt
new_certs_dir = WORK
serial = WORK/serial
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
organizationalUnitName = optional
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
1.2.840.113635.100.6.2.1 = DER:05:00
[int_nooid]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
[int_notca]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
1.2.840.113635.100.6.2.1 = DER:05:00
[leaf]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
1.2.840.113635.100.6.11.1 = DER:05:00
[leaf_nooid]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
CNF
sed -i "s#WORK#$WORK#g" "$WORK/ca.cnf"
touch "$WORK/index.txt"
echo 1000 > "$WORK/serial"

key_ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" -out "$WORK/$1.key" 2>/dev/null
           openssl pkcs8 -topk8 -nocrypt -in "$WORK/$1.key" -outform DER -out "$1.pk8"; }
key_rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/$1.key" 2>/dev/null
            openssl pkcs8 -topk8 -nocrypt -in "$WORK/$1.key" -outform DER -out "$1.pk8"; }
# cert NAME KEY ISSUER_CERT|self ISSUER_KEY SECTION START END MD "SUBJECT"
cert() {
  local name=$1 key=$2 icert=$3 ikey=$4 sect=$5 start=$6 end=$7 md=$8 subj=$9
  openssl req -new -key "$WORK/$key.key" -subj "$subj" -out "$WORK/$name.csr"
  if [ "$icert" = self ]; then
    openssl ca -batch -config "$WORK/ca.cnf" -selfsign -keyfile "$WORK/$key.key" -in "$WORK/$name.csr" \
      -extensions "$sect" -startdate "$start" -enddate "$end" -md "$md" -out "$WORK/$name.pem" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  else
    openssl ca -batch -config "$WORK/ca.cnf" -cert "$icert.pem" -keyfile "$WORK/$ikey.key" -in "$WORK/$name.csr" \
      -extensions "$sect" -startdate "$start" -enddate "$end" -md "$md" -out "$WORK/$name.pem" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  fi
  openssl x509 -in "$WORK/$name.pem" -out "$name.pem"
  openssl x509 -in "$WORK/$name.pem" -outform DER -out "$name.der"
}
S=20200101000000Z; E=20450101000000Z

key_ec root-ec P-384; key_ec int-ec P-384; key_ec leaf-ec P-256; key_ec root2-ec P-384
cert root-ec root-ec self root-ec root $S $E sha384 "/CN=Test Root CA - G3/O=iap-verify tests/C=US"
cert root2-ec root2-ec self root2-ec root $S $E sha384 "/CN=Unrelated Root/O=iap-verify tests/C=US"
INT_EC="/CN=Test WWDR Certification Authority/OU=G6/O=iap-verify tests/C=US"
cert int-ec int-ec root-ec root-ec int $S $E sha384 "$INT_EC"
cert int-ec-nooid int-ec root-ec root-ec int_nooid $S $E sha384 "$INT_EC"
cert int-ec-notca int-ec root-ec root-ec int_notca $S $E sha384 "$INT_EC"
LEAF_EC="/CN=Test ECC Receipt Signing/O=iap-verify tests/C=US"
cert leaf-ec leaf-ec int-ec int-ec leaf $S $E sha384 "$LEAF_EC"
cert leaf-ec-nooid leaf-ec int-ec int-ec leaf_nooid $S $E sha384 "$LEAF_EC"
cert leaf-ec-expired leaf-ec int-ec int-ec leaf 20200101000000Z 20210101000000Z sha384 "$LEAF_EC"
cert leaf-ec-future leaf-ec int-ec int-ec leaf 20400101000000Z $E sha384 "$LEAF_EC"

key_rsa root-rsa; key_rsa int-rsa; key_rsa leaf-rsa; key_rsa root2-rsa
cert root-rsa root-rsa self root-rsa root $S $E sha256 "/CN=Test Root CA/O=iap-verify tests/C=US"
cert root2-rsa root2-rsa self root2-rsa root $S $E sha256 "/CN=Unrelated RSA Root/O=iap-verify tests/C=US"
INT_RSA="/CN=Test WWDR Certification Authority/OU=G5/O=iap-verify tests/C=US"
cert int-rsa int-rsa root-rsa root-rsa int $S $E sha256 "$INT_RSA"
cert int-rsa-nooid int-rsa root-rsa root-rsa int_nooid $S $E sha256 "$INT_RSA"
LEAF_RSA="/CN=Test Receipt Signing/O=iap-verify tests/C=US"
cert leaf-rsa leaf-rsa int-rsa int-rsa leaf $S $E sha256 "$LEAF_RSA"
cert leaf-rsa-nooid leaf-rsa int-rsa int-rsa leaf_nooid $S $E sha256 "$LEAF_RSA"
cert leaf-rsa-expired leaf-rsa int-rsa int-rsa leaf 20200101000000Z 20210101000000Z sha256 "$LEAF_RSA"
# The SHA-1 era: sha1WithRSA certificates (as Apple's 2013 WWDR and 2015 leaf were).
INT_RSA1="/CN=Test WWDR Certification Authority/O=iap-verify tests/C=US"
cert int-rsa-sha1 int-rsa root-rsa root-rsa int $S $E sha1 "$INT_RSA1"
cert leaf-rsa-sha1 leaf-rsa int-rsa-sha1 int-rsa leaf $S $E sha1 "$LEAF_RSA"

# A small receipt payload (SET of ReceiptAttribute) written with openssl's ASN.1 generator.
cat > "$WORK/payload.cnf" <<'CNF'
asn1 = SET:payload
[payload]
a0 = SEQUENCE:a_type
a2 = SEQUENCE:a_bundle
a3 = SEQUENCE:a_version
a4 = SEQUENCE:a_opaque
a12 = SEQUENCE:a_created
a19 = SEQUENCE:a_orig
a17 = SEQUENCE:a_iap
[a_type]
t = INT:0
v = INT:1
x = OCTWRAP,UTF8:ProductionSandbox
[a_bundle]
t = INT:2
v = INT:1
x = OCTWRAP,UTF8:com.example.testpki
[a_version]
t = INT:3
v = INT:1
x = OCTWRAP,UTF8:42
[a_opaque]
t = INT:4
v = INT:2
x = FORMAT:HEX,OCTETSTRING:00112233445566778899aabbccddeeff
[a_created]
t = INT:12
v = INT:1
x = OCTWRAP,IA5STRING:2024-06-01T12:00:00Z
[a_orig]
t = INT:19
v = INT:1
x = OCTWRAP,UTF8:1.0
[a_iap]
t = INT:17
v = INT:1
x = OCTWRAP,SET:iap
[iap]
i1 = SEQUENCE:i_qty
i2 = SEQUENCE:i_pid
i3 = SEQUENCE:i_tid
i4 = SEQUENCE:i_date
[i_qty]
t = INT:1701
v = INT:1
x = OCTWRAP,INT:1
[i_pid]
t = INT:1702
v = INT:1
x = OCTWRAP,UTF8:com.example.testpki.coins
[i_tid]
t = INT:1703
v = INT:1
x = OCTWRAP,UTF8:1000000000000001
[i_date]
t = INT:1704
v = INT:1
x = OCTWRAP,IA5STRING:2024-05-31T08:00:00+0100
CNF
openssl asn1parse -genconf "$WORK/payload.cnf" -out receipt-payload.der >/dev/null
# openssl cms: DER SignedData, no signed attributes (as Apple's receipts), leaf + intermediate + root.
cat int-rsa.pem root-rsa.pem > "$WORK/chain256.pem"
openssl cms -sign -binary -nodetach -noattr -md sha256 -outform DER -in receipt-payload.der \
  -signer "$WORK/leaf-rsa.pem" -inkey "$WORK/leaf-rsa.key" -certfile "$WORK/chain256.pem" -out receipt-openssl-sha256.der
cat int-rsa-sha1.pem root-rsa.pem > "$WORK/chain1.pem"
openssl cms -sign -binary -nodetach -noattr -md sha1 -outform DER -in receipt-payload.der \
  -signer "$WORK/leaf-rsa-sha1.pem" -inkey "$WORK/leaf-rsa.key" -certfile "$WORK/chain1.pem" -out receipt-openssl-sha1.der
openssl cms -verify -binary -inform DER -in receipt-openssl-sha256.der -CAfile root-rsa.pem -purpose any -out /dev/null
openssl cms -verify -binary -inform DER -in receipt-openssl-sha1.der -CAfile root-rsa.pem -purpose any -out /dev/null
ls
