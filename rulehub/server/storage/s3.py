"""Artifacts as objects in an S3-compatible store, through boto3.

`s3://BUCKET/PREFIX` puts an artifact at `PREFIX/<sha[:2]>/<sha>.tar.gz`.  boto3 finds the
endpoint (`AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` for MinIO, Ceph, moto...), the region
and the credentials the way every AWS tool does; the hub adds none of its own.  The bucket
must exist (the hub never creates buckets: that is the operator's, with its policy).

Objects are written once: `put` asks first (HEAD) and skips bytes already there.  The
object carries its SHA-256 as `ChecksumSHA256`, so the store itself refuses a corrupted
upload, and `get` checks the digest of what it read before handing it out: a tampered
bucket gives a 404-style ArtifactMissing, not bytes that fail the client's TUF check later.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from sqlalchemy.orm import Session

from rulehub.server.storage import ArtifactMissing, check_digest

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Store:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise SystemExit(f"RULEHUB_ARTIFACT_STORE={url!r} names no bucket: use s3://BUCKET[/PREFIX]")
        client = boto3.client("s3", config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                                  connect_timeout=5, read_timeout=30))
        return cls(client, bucket, prefix)

    def key(self, sha256: str) -> str:
        check_digest(sha256)
        name = f"{sha256[:2]}/{sha256}.tar.gz"
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, session: Session, sha256: str, data: bytes) -> None:
        key = self.key(sha256)
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
            return
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _MISSING:
                raise
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType="application/gzip",
                               ChecksumSHA256=checksum)

    def get(self, session: Session, sha256: str) -> bytes:
        try:
            data = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise ArtifactMissing(sha256) from None
            raise
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArtifactMissing(f"{sha256} (the stored object's bytes do not match their digest)")
        return data

    def describe(self) -> str:
        endpoint = self.client.meta.endpoint_url
        return f"S3 bucket {self.bucket!r} at {endpoint}" + (f", prefix {self.prefix!r}" if self.prefix else "")
