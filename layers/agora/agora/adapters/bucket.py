"""The consultation's bucket: result files, the sequence pool, and cached reads of both."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from agora.adapters.aws import transient

T = TypeVar("T")


class Bucket:
    def __init__(self, name: str, s3: Any) -> None:
        self.name = name
        self.s3 = s3

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.s3.put_object(
            Bucket=self.name, Key=key, Body=body, ContentType=content_type, CacheControl=cache_control
        )

    def get(self, key: str) -> bytes | None:
        try:
            return self.s3.get_object(Bucket=self.name, Key=key)["Body"].read()
        except ClientError as e:
            if e.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return None
            raise

    def get_if_changed(self, key: str, etag: str | None) -> tuple[bytes | None, str | None, bool]:
        """(body, etag, changed): a conditional GET, so an unchanged object costs no transfer."""
        kwargs = {"Bucket": self.name, "Key": key}
        if etag:
            kwargs["IfNoneMatch"] = etag
        try:
            out = self.s3.get_object(**kwargs)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if code in ("304", "NotModified"):
                return None, etag, False
            if code in ("NoSuchKey", "404"):
                return None, None, etag is not None
            raise
        return out["Body"].read(), out["ETag"], True


class CachedObject(Generic[T]):
    """An object from the bucket, parsed once and re-validated with its ETag at most every `max_age` s.

    Warm Lambda containers (and the embedded stack's) answer from memory between refreshes,
    so a traffic spike costs one S3 request per container every few seconds.
    """

    def __init__(
        self,
        bucket: Bucket,
        key: str,
        parse: Callable[[bytes], T],
        max_age: float,
        clock: Callable[[], float],
    ) -> None:
        self.bucket, self.key, self.parse, self.max_age, self.clock = bucket, key, parse, max_age, clock
        self._value: T | None = None
        self._etag: str | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def get(self) -> T | None:
        with self._lock:
            now = self.clock()
            # Absence is not cached: until the first snapshot lands, every call looks again.
            if self._value is None or now - self._checked >= self.max_age:
                try:
                    body, etag, changed = self.bucket.get_if_changed(self.key, self._etag)
                except (ClientError, BotoCoreError) as e:
                    # An S3 brownout: what we hold is at most a refresh period staler than planned,
                    # which beats failing every request. Look again after another period.
                    if self._value is None or not transient(e):
                        raise
                    self._checked = now
                    return self._value
                if changed:
                    self._value = None if body is None else self.parse(body)
                    self._etag = etag
                self._checked = now
            return self._value
