// inspect(): the call and result the manual (docs/cli.md) documents. Nothing here runs.
import { inspect, type InspectResult, type InspectNote, type CertificateInfo, type InputKind, IapError } from 'iap-verify';

declare const pasted: string;
declare const file: Uint8Array;
declare const root: Uint8Array;

const r: InspectResult = inspect(pasted);
const k: InputKind | undefined = r.kind;
const s: 'verified' | 'decoded' | 'invalid' = r.status;
const ok: boolean = r.verified;
const notes: InspectNote[] = r.notes;
const firstCode: string | undefined = notes[0]?.code;
const missing: Array<'signature' | 'key'> | undefined = notes[0]?.missing;
const e: IapError | undefined = r.error;
const certs: CertificateInfo[] = r.certificates ?? [];
const fingerprint: string | undefined = certs[0]?.sha256;
const cn: string | undefined = certs[0]?.subject.find((p) => p.key === 'CN')?.value;
const when: number | undefined = r.judgedAt;
const by: 'signedDate' | 'receiptCreationDate' | 'now' | undefined = r.judgedBy;
inspect(file, { type: 'google-purchase', key: 'k', signature: 's', allowLegacy1024BitKeys: true });
inspect(pasted, { store: 'onestore', bundleId: 'com.example', environment: 'Sandbox', appAppleId: 1, extraRoots: [root, 'PEM'], now: 0, decodeOnly: true });
void [k, s, ok, firstCode, missing, e, fingerprint, cn, when, by];

// iap-verify/detect: detection alone, as the dashboard's page does it.
import { KINDS, detect, base64ToBytes, bytesToBase64, peekJws, isJws, jwsKind, type Detected } from 'iap-verify/detect';
const d: Detected = detect(pasted, file, { store: 'google' });
const label: string | undefined = d.kind === undefined ? d.reason : KINDS[d.kind];
const input: string | Uint8Array | undefined = d.kind === undefined ? undefined : d.input;
const bytes: Uint8Array | undefined = base64ToBytes(bytesToBase64(file));
const header: unknown = peekJws(pasted).header;
const apple: InputKind | undefined = isJws(pasted) ? jwsKind(peekJws(pasted).payload) : undefined;
void [label, input, bytes, header, apple];
