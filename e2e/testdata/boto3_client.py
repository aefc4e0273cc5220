"""boto3 through sigdiff proxy: the e2e test's script (e2e/boto3_test.go).

Usage: boto3_client.py ENDPOINT BUCKET SIGNATURE_VERSION TREE BIGFILE LOGFILE

Does, with botocore's debug logging in LOGFILE: create the bucket, PUT
every file under TREE with metadata and a content type, GET each back,
GET a range, HEAD, ListObjectsV2 with a prefix, a multipart upload of
BIGFILE, presigned GET and PUT URLs (printed as JSON for curl), then
nothing else: the Go test deletes after curl has used the URLs, by
running this script again with SIGNATURE_VERSION prefixed by "delete:".
Exits non-zero with a message on the first failure.

With SIGNATURE_VERSION 's3' (SigV2), botocore 1.29 signs three requests
differently from what it sends, and MinIO refuses them: CreateBucket and
ListObjects ("/bucket/" signed for "/bucket"), ListObjectsV2 (list-type=2
signed as a sub-resource), CreateMultipartUpload ("?uploads?uploads").
Those operations are tried, their refusal is listed under "refused" for
the Go test to check what sigdiff proxy said, and the rest of the run
goes on with what SigV2 can do (the bucket is made with SigV4).
"""
import json
import logging
import os
import sys

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.client import Config

CONTENT = b"hello from sigdiff e2e\n"


def main():
    endpoint, bucket, sigver, tree, bigfile, logfile = sys.argv[1:7]
    delete = sigver.startswith("delete:")
    sigver = sigver.removeprefix("delete:")
    logging.basicConfig(filename=logfile, level=logging.DEBUG,
                        format="%(asctime)s %(name)s [%(levelname)s] %(message)s")
    def client(version):
        return boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id=os.environ["E2E_ACCESS_KEY"],
            aws_secret_access_key=os.environ["E2E_SECRET_KEY"],
            config=Config(signature_version=version, s3={"addressing_style": "path"},
                          retries={"max_attempts": 1}))
    s3 = client(sigver)
    refused = []

    def attempt(op, fn):
        """Runs fn; under SigV2 a SignatureDoesNotMatch is recorded, not fatal."""
        try:
            return fn()
        except botocore.exceptions.ClientError as e:
            if sigver != "s3" or e.response["Error"]["Code"] != "SignatureDoesNotMatch":
                raise
            refused.append(op)
            return None
    keys = []
    for root, _, files in os.walk(tree):
        for f in files:
            keys.append(os.path.relpath(os.path.join(root, f), tree).replace(os.sep, "/"))
    keys.sort()
    if delete:
        for k in keys + ["multi/big file+1.bin", "presigned/a b+c~=.txt"]:
            s3.delete_object(Bucket=bucket, Key=k)
        try:
            s3.head_object(Bucket=bucket, Key=keys[0])
            fail("head after delete succeeded")
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] not in ("404", "NoSuchKey"):
                raise
        return
    if attempt("CreateBucket", lambda: s3.create_bucket(Bucket=bucket)) is None:
        client("s3v4").create_bucket(Bucket=bucket)
    for k in keys:
        with open(os.path.join(tree, k), "rb") as f:
            s3.put_object(Bucket=bucket, Key=k, Body=f.read(), ContentType="text/plain",
                          Metadata={"color": "blue", "note": "e2e run"})
        got = s3.get_object(Bucket=bucket, Key=k)["Body"].read()
        if got != CONTENT:
            fail("get %r: %r" % (k, got))
        got = s3.get_object(Bucket=bucket, Key=k, Range="bytes=6-9")["Body"].read()
        if got != CONTENT[6:10]:
            fail("range of %r: %r" % (k, got))
        head = s3.head_object(Bucket=bucket, Key=k)
        meta = {m.lower(): v for m, v in head["Metadata"].items()}
        if meta.get("color") != "blue" or head["ContentType"] != "text/plain":
            fail("head %r: %r" % (k, head))
    for op, fn in (("ListObjectsV2", s3.list_objects_v2), ("ListObjects", s3.list_objects)):
        listed = attempt(op, lambda: fn(Bucket=bucket, Prefix="dir/with space/"))
        if listed is not None:
            got = [o["Key"] for o in listed.get("Contents", [])]
            if got != ["dir/with space/file name.txt"]:
                fail("%s with prefix: %r" % (op, got))
    mb = 1024 * 1024
    with open(bigfile, "rb") as f:
        want = f.read()
    up = attempt("CreateMultipartUpload", lambda: s3.create_multipart_upload(Bucket=bucket, Key="multi/big file+1.bin"))
    if up is not None:
        s3.abort_multipart_upload(Bucket=bucket, Key="multi/big file+1.bin", UploadId=up["UploadId"])
        s3.upload_file(bigfile, bucket, "multi/big file+1.bin",
                       Config=TransferConfig(multipart_threshold=5 * mb, multipart_chunksize=5 * mb, use_threads=False))
        if s3.get_object(Bucket=bucket, Key="multi/big file+1.bin")["Body"].read() != want:
            fail("multipart object differs")
    pk = "presigned/a b+c~=.txt"
    urls = {
        "put": s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": pk}, ExpiresIn=600),
        "get": s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": pk}, ExpiresIn=600),
        "version": "boto3 %s botocore %s" % (boto3.__version__, botocore.__version__),
        "refused": refused,
    }
    print(json.dumps(urls))


def fail(msg):
    print("boto3 e2e: " + msg, file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
