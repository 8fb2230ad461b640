import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basicAuth } from './schemes/basic-auth.ts';
import { createLatchkey } from './latchkey.ts';
import { allowAny } from './permissions.ts';
import { request, world } from './test-support.ts';
import { tokenAuth } from './schemes/token-auth.ts';

// Header values are byte strings: any character up to U+00FF except NUL, CR and LF.
const headerChar = fc.integer({ min: 1, max: 0xff }).filter((c) => c !== 0x0a && c !== 0x0d).map((c) => String.fromCharCode(c));
const headerValue = fc.string({ unit: headerChar, maxLength: 200 });
const schemeLike = fc.constantFrom('Token', 'token', 'Bearer', 'Basic', 'basic', 'Digest', '');

describe('no Authorization header breaks the pipeline', async () => {
  const w = await world();
  const latchkey = createLatchkey({
    authenticators: [tokenAuth(w), basicAuth(w)],
    permissions: [allowAny],
  });
  const valid = await w.tokenFor(w.alice.id);

  const answer = async (authorization: string) => {
    let headers: Record<string, string>;
    try {
      headers = { Authorization: authorization };
      new Headers(headers);
    } catch {
      return null; // not a header value a client could send
    }
    return latchkey.run(request(headers));
  };

  it('never throws, never answers 5xx, never authenticates without a valid credential', async () => {
    await fc.assert(
      fc.asyncProperty(schemeLike, fc.constantFrom(' ', '\t', '  '), headerValue, async (scheme, space, rest) => {
        const authorization = `${scheme}${space}${rest}`;
        const outcome = await answer(authorization);
        if (!outcome) return;
        if (outcome.ok) {
          // Only anonymous access (allowed here), never a user from garbage.
          expect(outcome.identity.user).toBeNull();
        } else {
          // 429: garbage decodes to Basic credentials (Python's base64 drops stray characters),
          // and refused Basic guesses count against the login throttle.
          expect([401, 403, 429]).toContain(outcome.response.status);
          expect(await outcome.response.json()).toHaveProperty('detail');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never accepts a valid token with any one character changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length - 1 }), headerChar, async (index, replacement) => {
        fc.pre(valid[index] !== replacement);
        const mutated = valid.slice(0, index) + replacement + valid.slice(index + 1);
        const outcome = await answer(`Token ${mutated}`);
        if (outcome?.ok) expect(outcome.identity.user).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
