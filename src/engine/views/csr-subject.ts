import type { VigilEvent } from '../../sources/event.js';
import { isObject, objectAfter } from './object-after.js';

/** The identity that a certificate signing request requests. */
export interface CsrSubject {
  /** The subject's common name: the user name of a client certificate. */
  commonName?: string;
  /** The subject's organizations: the groups of a client certificate. */
  organizations: string[];
}

/** Maximum length of a decoded `spec.request`. A PEM request is about 1 KiB. */
export const MAX_CSR_REQUEST_CHARS = 65_536;

const OID_COMMON_NAME = '550403';
const OID_ORGANIZATION = '55040a';

const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const TAG_OID = 0x06;

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** Read one DER element at `offset`, or undefined when it is malformed. */
function readTlv(der: Buffer, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset] as number;
  let length = der[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3 || start + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++)
      length = length * 256 + (der[start + i] as number);
    start += octets;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

/** Read the elements of a constructed DER value. */
function children(der: Buffer, parent: Tlv): Tlv[] | undefined {
  const items: Tlv[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    const item = readTlv(der, offset, parent.end);
    if (!item) return undefined;
    items.push(item);
    offset = item.end;
  }
  return items;
}

function decodeString(der: Buffer, value: Tlv): string {
  const bytes = der.subarray(value.start, value.end);
  // BMPString is UTF-16 big-endian and UTF8String is UTF-8. The other
  // directory string types are ASCII subsets.
  if (value.tag === 0x1e) {
    const even = Buffer.from(bytes.subarray(0, bytes.length & ~1));
    return even.swap16().toString('utf16le');
  }
  return bytes.toString(value.tag === 0x0c ? 'utf8' : 'latin1');
}

/** Extract the DER bytes of the first CERTIFICATE REQUEST block of a PEM text. */
function pemToDer(pem: string): Buffer | undefined {
  const match =
    /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]+)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(
      pem,
    );
  return match?.[1] ? Buffer.from(match[1], 'base64') : undefined;
}

/**
 * Decode the subject of a PKCS #10 request given as the Kubernetes API
 * stores `spec.request`: base64 of a PEM block. Returns undefined when the
 * value is missing, too long or not a well-formed request.
 */
export function decodeCsrSubject(request: unknown): CsrSubject | undefined {
  if (typeof request !== 'string' || request.length > MAX_CSR_REQUEST_CHARS) {
    return undefined;
  }
  const der = pemToDer(Buffer.from(request, 'base64').toString('latin1'));
  if (!der) return undefined;

  // CertificationRequest ::= SEQUENCE { CertificationRequestInfo, ... }
  // CertificationRequestInfo ::= SEQUENCE { version, subject Name, ... }
  const outer = readTlv(der, 0, der.length);
  if (outer?.tag !== TAG_SEQUENCE) return undefined;
  const info = children(der, outer)?.[0];
  if (info?.tag !== TAG_SEQUENCE) return undefined;
  const name = children(der, info)?.[1];
  if (name?.tag !== TAG_SEQUENCE) return undefined;
  const rdns = children(der, name);
  if (!rdns) return undefined;

  const subject: CsrSubject = { organizations: [] };
  for (const rdn of rdns) {
    if (rdn.tag !== TAG_SET) return undefined;
    for (const attribute of children(der, rdn) ?? []) {
      const [type, value] = children(der, attribute) ?? [];
      if (type?.tag !== TAG_OID || !value) continue;
      const oid = der.subarray(type.start, type.end).toString('hex');
      if (oid === OID_COMMON_NAME)
        subject.commonName = decodeString(der, value);
      if (oid === OID_ORGANIZATION) {
        subject.organizations.push(decodeString(der, value));
      }
    }
  }
  return subject;
}

/**
 * The `csrSubject` view: the subject that a CertificateSigningRequest requests,
 * decoded from `spec.request` of the object after the request.
 */
export function csrSubjectView(event: VigilEvent): CsrSubject | undefined {
  if (event.kind !== 'k8s-audit') return undefined;
  const object = objectAfter(event.audit);
  const spec = isObject(object) ? object.spec : undefined;
  return isObject(spec) ? decodeCsrSubject(spec.request) : undefined;
}
