#!/usr/bin/env python3
"""Regenerates the ONE store PNS/SNS vectors of tests/vectors/onestore/ (pns-*.json, sns-*.json).

Each PNS message is signed SHA512withRSA with this folder's test licence key (test-key-2048.pem;
it signs nothing real) over the bytes one of ONE store's three official PNS samples re-serializes
the message to, without its `signature` member (developer guide, "PNS(Payment Notification
Service) 이용하기", the Java, PHP and Python samples):

- PHP:    json_encode(json_decode($body, true) minus signature, JSON_UNESCAPED_UNICODE), run with
          the real php-cli (Debian's php8.2-cli);
- Python: json.dumps(OrderedDict minus signature, ensure_ascii=False, separators=(',', ':')), run
          here with the real json module;
- Java:   Jackson's ObjectNode.toString() after remove("signature"). Jackson is not on this
          machine, so its form is written by hand below (jackson_form), from what Jackson's
          generator writes: compact, members in insertion order, non-ASCII characters as they
          are, `/` as it is, `"` and `\\` escaped, \\b \\f \\n \\r \\t as those, every other control
          character as \\u00XX with upper-case hex digits; longs as their digits. (The vectors hold
          no non-integral number, whose Java form the hand-written writer does not attempt.)

The body ONE store would POST is the same serializer's text of the whole message, `signature`
last. Needs python3, php-cli and openssl. Run from anywhere; writes next to itself.
"""
import base64
import json
import os
import subprocess
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = os.path.join(HERE, "test-key-2048.pem")


def sign(data: bytes) -> str:
    sig = subprocess.run(["openssl", "dgst", "-sha512", "-sign", KEY], input=data, capture_output=True, check=True).stdout
    return base64.b64encode(sig).decode()


def php_form(message_text: str, keep_signature: bool = False) -> str:
    unset = "" if keep_signature else 'unset($m["signature"]); '
    code = '$m = json_decode(file_get_contents("php://stdin"), true); ' + unset + 'echo json_encode($m, JSON_UNESCAPED_UNICODE);'
    return subprocess.run(["php", "-r", code], input=message_text.encode(), capture_output=True, check=True).stdout.decode()


def python_form(message: "OrderedDict") -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def jackson_string(s: str) -> str:
    out = ['"']
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    for c in s:
        if c in short:
            out.append(short[c])
        elif ord(c) < 0x20:
            out.append("\\u%04X" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def jackson_form(v) -> str:
    if isinstance(v, dict):
        return "{" + ",".join(jackson_string(k) + ":" + jackson_form(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(jackson_form(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return jackson_string(v)
    raise ValueError("the hand-written Jackson form takes no non-integral numbers")


def message(**changes) -> "OrderedDict":
    # PNS 3.1.0 as the guide's table and example list it, values with `/`, Hangul and a control
    # character, where the three forms differ.
    m = OrderedDict(
        [
            ("msgVersion", "3.1.0D"),
            ("clientId", "com.example.app"),
            ("productId", "gem.100"),
            ("messageType", "SINGLE_PAYMENT_TRANSACTION"),
            ("purchaseId", "SANDBOX3000000004564"),
            ("developerPayload", "order/7\u001f 주문"),
            ("purchaseTimeMillis", 1717243200000),
            ("purchaseState", "COMPLETED"),
            ("price", "1100"),
            ("priceCurrencyCode", "KRW"),
            ("productName", "보석 100개 (1/2 세일)"),
            ("paymentTypeList", [OrderedDict([("paymentMethod", "DCB"), ("amount", "1000")]), OrderedDict([("paymentMethod", "POINT"), ("amount", "100")])]),
            ("billingKey", "bk/+="),
            ("isTestMdn", True),
            ("purchaseToken", "TOKEN3000000312345"),
            ("environment", "SANDBOX"),
            ("marketCode", "MKT_ONE"),
        ]
    )
    m.update(changes)
    return m


def write(name: str, text: str) -> None:
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write(text)


def main() -> None:
    m = message()
    base = python_form(m)
    forms = {"php": php_form(base), "python": python_form(m), "jackson": jackson_form(m)}
    assert len(set(forms.values())) == 3, "the three forms must differ for these vectors to mean anything"
    for form, signed in forms.items():
        sig = sign(signed.encode("utf-8"))
        whole = OrderedDict(m)
        whole["signature"] = sig
        body = {"php": php_form(python_form(whole), keep_signature=True), "python": python_form(whole), "jackson": jackson_form(whole)}[form]
        write(f"pns-{form}.json", body)
        write(f"pns-{form}.signed.txt", signed)
    # PHP's sample reads a number price (versions before V6 sent one): a float, written `1100`.
    m_num = message(price=1100.0)
    num_text = python_form(m_num)
    signed = php_form(num_text)
    assert '"price":1100,' in signed, signed
    whole = OrderedDict(m_num)
    whole["signature"] = sign(signed.encode("utf-8"))
    write("pns-php-float-price.json", python_form(whole))
    # Refused: the Python-signed message with a changed price; signed over pretty-printed text
    # (no sample writes that); a repeated key (the first signed).
    tampered = json.loads(open(os.path.join(HERE, "pns-python.json"), encoding="utf-8").read(), object_pairs_hook=OrderedDict)
    tampered["price"] = "1"
    write("pns-tampered.json", python_form(tampered))
    pretty = json.dumps(m, ensure_ascii=False, indent=2)
    whole = OrderedDict(m)
    whole["signature"] = sign(pretty.encode("utf-8"))
    write("pns-pretty-signed.json", python_form(whole))
    dup = python_form(OrderedDict(list(json.loads(open(os.path.join(HERE, "pns-python.json"), encoding="utf-8").read(), object_pairs_hook=OrderedDict).items())))
    write("pns-duplicate-key.json", dup.replace('"price":"1100"', '"price":"1100","price":"1"', 1))
    # SNS (not signed): the guide's example shape, with its misspelt `environmenmt`.
    sns = OrderedDict(
        [
            ("msgVersion", "3.1.0"),
            ("clientId", "com.example.app"),
            ("eventTimeMillis", 1717243200000),
            ("subscriptionNotification", OrderedDict([("version", "1"), ("notificationType", 2), ("purchaseToken", "SUBTOKEN00000001"), ("productId", "vip.monthly")])),
            ("environmenmt", "SANDBOX"),
            ("marketCode", "MKT_ONE"),
        ]
    )
    write("sns-renewed.json", python_form(sns))


if __name__ == "__main__":
    main()
