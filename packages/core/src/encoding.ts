// Byte/text conversions on Web APIs only (btoa/atob exist on every host we support).

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes standard base64; null when the input is not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes base64 exactly as Python's `base64.b64decode` does by default, which is what DRF's
 * Basic authentication calls: characters outside the alphabet are dropped, a complete pad
 * ends the input (the rest is ignored), and a final group that is not padded to four
 * characters is refused. Null where Python raises. `atob` differs on all three (it refuses
 * stray characters and accepts missing padding), and no library copies Python's rules, so
 * they are written out here.
 */
export function base64ToBytesAsPython(text: string): Uint8Array | null {
  const bytes: number[] = [];
  let group = 0; // data characters seen in the current group of four
  let pads = 0;
  let carry = 0;
  for (const character of text) {
    if (character === '=') {
      // A pad counts only after two data characters, and enough of them end the input.
      if (group >= 2 && group + ++pads >= 4) return Uint8Array.from(bytes);
      continue;
    }
    const value = BASE64_ALPHABET.indexOf(character);
    if (value === -1) continue;
    pads = 0;
    if (group === 1) bytes.push(((carry << 2) | (value >> 4)) & 0xff);
    else if (group === 2) bytes.push(((carry << 4) | (value >> 2)) & 0xff);
    else if (group === 3) bytes.push(((carry << 6) | value) & 0xff);
    carry = value;
    group = (group + 1) % 4;
  }
  return group === 0 ? Uint8Array.from(bytes) : null;
}

/**
 * A header value as the UTF-8 text its bytes spell, or null when they are not UTF-8. A
 * Fetch handler sees each byte of a header as one latin-1 code unit; DRF decodes those
 * bytes as UTF-8, so `ключ` sent as UTF-8 is text, while a lone `\xe9` is not.
 */
export function headerValueToUtf8(value: string): string | null {
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit > 0xff) return null;
    bytes[i] = unit;
  }
  return utf8ToString(bytes);
}

/** Latin-1: every byte is one character, so this never fails. */
export function latin1ToString(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8, or null when the bytes are not valid UTF-8. */
export function utf8ToString(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}
