#!/usr/bin/env bash
# Installs what the end-to-end tests in this folder need: a MinIO server
# built from source, and the AWS CLI, boto3 and s3cmd from Debian. The Go
# clients (aws-sdk-go-v2, minio-go) come with `go test` through go.mod.
# Safe to run again: what is already there is kept. Run as root (apt-get).
set -euo pipefail

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"

if [ -x "$gobin/minio" ]; then
  echo "e2e setup: minio already built at $gobin/minio"
else
  echo "e2e setup: checking that $MINIO_MODULE@$MINIO_VERSION resolves"
  go list -m "$MINIO_MODULE@$MINIO_VERSION"
  echo "e2e setup: building minio (a few minutes on two cores)"
  start=$(date +%s)
  # Outside the repository, so that sigdiff's go.mod is not involved.
  (cd / && GOFLAGS=-buildvcs=false go install "$MINIO_MODULE@$MINIO_VERSION")
  echo "e2e setup: minio built in $(( $(date +%s) - start ))s"
fi

missing=()
command -v /usr/bin/aws >/dev/null 2>&1 || missing+=(awscli)
/usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || missing+=(python3-boto3)
command -v s3cmd >/dev/null 2>&1 || missing+=(s3cmd)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "e2e setup: awscli, python3-boto3, s3cmd and curl already installed"
fi
