"""Writes packages/core/src/python-base64-vectors.json: what Python's base64.b64decode
(the decoder DRF's BasicAuthentication calls) makes of awkward inputs, so core's decoder
is tested against Python itself. Run: /usr/bin/python3 scripts/django/python-base64-vectors.py"""
import base64, binascii, json, pathlib, random

rng = random.Random(12)
inputs = ['', 'abc', 'YWxpY2U6c2VjcmV0', 'YWxp*Y2U6c2VjcmV0', 'YWxpY2U', 'YWxpY2U=', 'YWxpY2U==', 'YQ==YQ==',
          'YWxpY2U6c2VjcmV0====', '=YWxp', 'Y=Q=', 'YQ=x=', 'YQ', 'Y', 'YW-_', 'YW+/', ' YW xp ', 'YWxp\u00e9',
          'YQ===', '====', 'YWJj\tZGVm', 'YW==', 'YR==', 'AB=CD==']
alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=*-_ .'
for _ in range(400):
    inputs.append(''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))))
vectors = []
for text in inputs:
    try:
        # DRF hands b64decode the header's bytes; a header's characters are latin-1 bytes.
        vectors.append([text, base64.b64decode(text.encode('latin-1')).hex()])
    except (binascii.Error, ValueError):
        vectors.append([text, None])
out = pathlib.Path(__file__).resolve().parents[2] / 'packages/core/src/python-base64-vectors.json'
out.write_text('[\n' + ',\n'.join(json.dumps(v, ensure_ascii=False) for v in vectors) + '\n]\n')
print(f'{len(vectors)} vectors')
