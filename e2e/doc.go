// Package e2e holds sigdiff's end-to-end tests: real S3 clients (the AWS
// CLI, boto3, s3cmd, aws-sdk-go-v2, minio-go, curl with presigned URLs)
// talk through `sigdiff proxy` to a real MinIO server, and the proxy must
// verify every signature they make and name the cause of every fault a hop
// in front of it plants.
//
// The tests start MinIO themselves on 127.0.0.1 and the proxy in-process.
// `bash e2e/setup.sh` builds MinIO and installs the Debian packages of the
// Python clients; without them a test skips saying so, except under
// CI=true, where a missing component fails it.
//
// SIGDIFF_E2E_LOGS=DIR keeps each client's debug log in DIR, named for the
// client and its version, for the log parsers' fixtures.
package e2e
