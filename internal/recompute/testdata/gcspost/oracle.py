# Independent oracle for gcs-v4-hmac-post.txtar: a GCS V4 POST policy
# signed with an HMAC key, from the documented rule (cloud.google.com/
# storage/docs/authentication/signatures: "HTML form with an HMAC key:
# derive from the HMAC key's secret; Base64-encoded policy document";
# the key chain is GOOG4's: "GOOG4" + secret, date, auto, storage,
# goog4_request). Standard library only; run once: python3 oracle.py
import base64, hashlib, hmac

ACCESS = 'GOOGTS7C7FUP3AIRVJTE'
SECRET = 'bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ'
DATE, STAMP = '20261128', '20261128T114315Z'
cred = ACCESS + '/' + DATE + '/auto/storage/goog4_request'
policy = ('{"conditions":[{"bucket":"example-bucket"},{"key":"uploads/tabby.jpeg"},'
          '["content-length-range",0,1048576],{"x-goog-date":"%s"},{"x-goog-credential":"%s"},'
          '{"x-goog-algorithm":"GOOG4-HMAC-SHA256"}],"expiration":"2026-11-28T12:43:15Z"}') % (STAMP, cred)
b64 = base64.b64encode(policy.encode()).decode()
def h(k, m): return hmac.new(k, m.encode(), hashlib.sha256).digest()
k = h(('GOOG4' + SECRET).encode(), DATE)
for part in ('auto', 'storage', 'goog4_request'):
    k = h(k, part)
sig = hmac.new(k, b64.encode(), hashlib.sha256).hexdigest()
print('-- form.txt --')
for name, value in [('key', 'uploads/tabby.jpeg'), ('x-goog-algorithm', 'GOOG4-HMAC-SHA256'),
                    ('x-goog-credential', cred), ('x-goog-date', STAMP), ('policy', b64),
                    ('x-goog-signature', sig)]:
    print(name + '=' + value)
print('-- policy.json --')
print(policy)
print('-- signing-key.hex --')
print(k.hex())
print('-- signature --')
print(sig)
