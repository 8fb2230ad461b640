import { describe, expect, it } from 'vitest';
import { ParseError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed } from './http-errors.ts';
import { readRequestData } from './request-body.ts';

const post = (body: BodyInit | null, contentType?: string) =>
  new Request('https://app.test/', { method: 'POST', body, headers: contentType ? { 'Content-Type': contentType } : {} });

describe('readRequestData: DRF\'s parsers on a fetch Request', () => {
  it('reads a JSON object into a map whose keys are only ever data', async () => {
    const data = await readRequestData(post('{"__proto__": "x", "constructor": 1}', 'application/json'), 1024);
    expect(data).toEqual(new Map<string, unknown>([['__proto__', 'x'], ['constructor', 1]]));
  });

  it('matches the media type case-insensitively and ignores its parameters', async () => {
    const data = await readRequestData(post('{"a": "b"}', 'Application/JSON; charset=utf-8'), 1024);
    expect(data).toEqual(new Map([['a', 'b']]));
  });

  it('names the whole Content-Type in a 415, as DRF does', async () => {
    const refused = await readRequestData(post('a', 'text/plain; charset=utf-8'), 1024);
    expect(refused).toBeInstanceOf(UnsupportedMediaType);
    expect((refused as UnsupportedMediaType).detail).toBe('Unsupported media type "text/plain; charset=utf-8" in request.');
  });

  it('answers 415 for a body without a Content-Type', async () => {
    const request = new Request('https://app.test/', { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect(await readRequestData(request, 1024)).toBeInstanceOf(UnsupportedMediaType);
  });

  it('refuses JSON that is not UTF-8 as a parse error', async () => {
    const refused = await readRequestData(post(new Uint8Array([0x22, 0xff, 0x22]), 'application/json'), 1024);
    expect(refused).toBeInstanceOf(ParseError);
  });

  it('refuses a broken multipart body: "Multipart form parse error - …"', async () => {
    const refused = await readRequestData(post('not multipart', 'multipart/form-data; boundary=x'), 1024);
    expect(refused).toBeInstanceOf(ParseError);
    expect((refused as ParseError).detail).toMatch(/^Multipart form parse error - /);
  });

  it('keeps a multipart file as a file, which no string field accepts', async () => {
    const form = new FormData();
    form.set('username', new Blob(['alice']), 'name.txt');
    const data = (await readRequestData(new Request('https://app.test/', { method: 'POST', body: form }), 4096)) as Map<string, unknown>;
    expect(data.get('username')).toBeInstanceOf(Blob);
  });

  it('refuses a body already read by someone else as a parse error, not a crash', async () => {
    const request = post('{}', 'application/json');
    await request.text();
    const refused = await readRequestData(request, 1024);
    expect(refused).toBeInstanceOf(ParseError);
    expect((refused as ParseError).detail).toBe('The request body could not be read.');
  });

  it('stops reading at the limit', async () => {
    expect(await readRequestData(post('x'.repeat(11), 'application/json'), 10)).toBeInstanceOf(PayloadTooLarge);
    expect(await readRequestData(post('"x"', 'application/json'), 3)).toBeInstanceOf(ValidationFailed);
  });
});
