/**
 * Reading a request body the way DRF's parsers do: JSON, URL-encoded and multipart forms,
 * with DRF's answers for everything else. Pure apart from consuming the body; failures are
 * values, never exceptions.
 */
import type { LatchkeyError } from '../errors.ts';
import { ParseError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed } from './http-errors.ts';

/** A parsed body, field name → value. Forms keep a field's last value, as Django's QueryDict does. */
export type RequestData = ReadonlyMap<string, unknown>;

const EMPTY: RequestData = new Map();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * Reads at most `maxBytes` of the body, so a client cannot make the server buffer an
 * unbounded upload before any check runs (a body without `Content-Length` is counted as it
 * streams). Null when the body is larger. Pass `request.clone()` to leave the body readable.
 */
export async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(request.headers.get('Content-Length'));
  if (declared > maxBytes) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      // Not awaited: cancelling one branch of a cloned (teed) body settles only once the
      // other branch is cancelled too, and nothing here depends on how the cancel ends.
      reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Python's name for a JSON value's type, as DRF prints it ("list", "int", "str"…). */
function pythonTypeName(value: unknown, text: string): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  // Python's json module makes an int of "1" and a float of "1.0" or "1e3".
  return /^-?(0|[1-9][0-9]*)$/.test(text.trim()) ? 'int' : 'float';
}

function parseJson(bytes: Uint8Array): RequestData | LatchkeyError {
  let value: unknown;
  try {
    // Each runtime words its parse errors differently, and V8 quotes the body (and the
    // password in it): one fixed reason keeps answers identical everywhere and secret-free.
    const text = strictUtf8.decode(bytes);
    value = JSON.parse(text);
    if (value === null) return new ValidationFailed({ non_field_errors: ['No data provided'] });
    if (typeof value !== 'object' || Array.isArray(value)) {
      return new ValidationFailed({
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(value, text)}.`],
      });
    }
  } catch (error) {
    return new ParseError('JSON parse error - the body is not valid UTF-8 JSON.', { cause: error });
  }
  // A Map, so that field names such as "__proto__" or "constructor" are only ever data.
  return new Map(Object.entries(value as object));
}

function lastValues(entries: Iterable<[string, unknown]>): RequestData {
  const data = new Map<string, unknown>();
  for (const [name, value] of entries) data.set(name, value);
  return data;
}

async function parseMultipart(bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<RequestData | LatchkeyError> {
  try {
    const form = await new Response(bytes, { headers: { 'Content-Type': contentType } }).formData();
    return lastValues(form.entries());
  } catch (error) {
    return new ParseError('Multipart form parse error - the body is not valid multipart/form-data.', { cause: error });
  }
}

/**
 * The request's data. An empty body is an empty object whatever its content type (DRF
 * parses nothing then); otherwise JSON and forms are parsed, and any other type is 415.
 * A JSON body that is not an object is DRF's serializer error, with Python's type name.
 */
export async function readRequestData(request: Request, maxBytes: number): Promise<RequestData | LatchkeyError> {
  let bytes: Uint8Array<ArrayBuffer> | null;
  try {
    bytes = await readCapped(request, maxBytes);
  } catch (error) {
    return new ParseError('The request body could not be read.', { cause: error });
  }
  if (bytes === null) return new PayloadTooLarge(maxBytes);
  if (bytes.length === 0) return EMPTY;
  const contentType = request.headers.get('Content-Type') ?? '';
  switch (contentType.split(';', 1)[0]!.trim().toLowerCase()) {
    case 'application/json':
      return parseJson(bytes);
    case 'application/x-www-form-urlencoded':
      // Django decodes forms leniently (errors="replace"), and so does this.
      return lastValues(new URLSearchParams(lenientUtf8.decode(bytes)).entries());
    case 'multipart/form-data':
      return parseMultipart(bytes, contentType);
    default:
      return new UnsupportedMediaType(contentType);
  }
}
