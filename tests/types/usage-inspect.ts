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
