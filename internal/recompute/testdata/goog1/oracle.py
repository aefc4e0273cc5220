# Independent oracle for the GOOG1 vectors in vectors.txtar: boto's
# canonical_string rule for provider "google", written from its
# description (not from sigdiff's code), run once with python3 to print
# the expected string to sign and signature of each case. Run:
#   python3 oracle.py > /tmp/out.txtar   (then compare with vectors.txtar)
import base64, hashlib, hmac
from urllib.parse import unquote

QSA = ['acl', 'cors', 'defaultObjectAcl', 'location', 'logging', 'partNumber',
       'policy', 'requestPayment', 'torrent', 'versioning', 'versionId',
       'versions', 'website', 'uploads', 'uploadId', 'response-content-type',
       'response-content-language', 'response-expires', 'response-cache-control',
       'response-content-disposition', 'response-content-encoding', 'delete',
       'lifecycle', 'tagging', 'restore', 'storageClass', 'websiteConfig', 'compose']
ACCESS = 'GOOGTS7C7FUP3AIRVJTE'
SECRET = 'bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ'

def sts(method, auth_path, headers):
    h = {}
    for k, v in headers:
        lk = k.lower()
        if lk in ('content-md5', 'content-type', 'date') or lk.startswith('x-goog-'):
            h[lk] = v.strip()
    h.setdefault('content-type', '')
    h.setdefault('content-md5', '')
    if 'x-goog-date' in h:
        h['date'] = ''
    out = method + '\n'
    for k in sorted(h):
        out += (k + ':' + h[k] + '\n') if k.startswith('x-goog-') else (h[k] + '\n')
    path, _, q = auth_path.partition('?')
    out += path
    if q:
        subs = [p.split('=', 1) for p in q.split('&')]
        subs = sorted([p if len(p) == 1 else [p[0], unquote(p[1])] for p in subs if p[0] in QSA], key=lambda p: p[0])
        if subs:
            out += '?' + '&'.join('='.join(p) for p in subs)
    return out

CASES = [
    # name, method, host, path?query, headers (auth_path is /bucket + path for a virtual host)
    ('put-virtual-host', 'PUT', 'example-bucket.storage.googleapis.com', '/photos/tabby.jpeg',
     [('Date', 'Sat, 28 Nov 2026 11:43:15 GMT'), ('Content-Type', 'image/jpeg'),
      ('Content-MD5', '1B2M2Y8AsgTpgAmY7PhCfg=='), ('x-goog-acl', 'public-read'),
      ('X-Goog-Meta-Owner', '  alice  ')]),
    ('get-path-style-goog-date', 'GET', 'storage.googleapis.com', '/example-bucket/?acl&prefix=a%2Fb',
     [('Date', 'Sat, 28 Nov 2026 11:43:15 GMT'), ('x-goog-date', 'Sat, 28 Nov 2026 11:43:16 GMT')]),
    ('compose-subresources', 'PUT', 'storage.googleapis.com', '/example-bucket/obj?generation=7&compose&response-content-type=text%2Fplain',
     [('Date', 'Sat, 28 Nov 2026 11:43:15 GMT'), ('Content-Type', 'application/xml')]),
]

for name, method, host, pq, headers in CASES:
    ap = pq
    if host.endswith('.storage.googleapis.com'):
        ap = '/' + host[:-len('.storage.googleapis.com')] + pq
    s = sts(method, ap, headers)
    sig = base64.b64encode(hmac.new(SECRET.encode(), s.encode(), hashlib.sha1).digest()).decode()
    print('-- %s.request --' % name)
    print('%s %s HTTP/1.1' % (method, pq))
    print('Host: ' + host)
    for k, v in headers:
        print('%s: %s' % (k, v))
    print('-- %s.sts --' % name)
    print(s)
    print('-- %s.signature --' % name)
    print(sig)
