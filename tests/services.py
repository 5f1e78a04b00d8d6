"""Throwaway services on loopback for running OIA Desk spread out: an S3-compatible object store
(moto's S3 server: there is no MinIO package on Debian) with the AWS variables that point boto3
at it, and Debian's redis-server keeping nothing on disk."""

import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

from live import free_port

MOTO_SERVER = Path(sys.executable).with_name("moto_server")


@contextmanager
def s3_server():
    """Yield the AWS variables of a running S3 server; stop it afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(endpoint)
        yield {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def redis_server(folder: Path):
    """Yield the URL of a running Redis; stop it afterwards."""
    import redis

    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:  # not listening yet
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_up(endpoint: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - our own server on loopback
            return
        except urllib.error.HTTPError:  # it answers
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the S3 server at {endpoint} did not start")


def new_bucket(variables: dict) -> str:
    """A new, empty bucket on the server."""
    name = f"oia-{uuid.uuid4().hex[:12]}"
    client(variables).create_bucket(Bucket=name)
    return name


def client(variables: dict):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=variables["AWS_ENDPOINT_URL"],
        aws_access_key_id=variables["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=variables["AWS_SECRET_ACCESS_KEY"],
        region_name=variables["AWS_DEFAULT_REGION"],
    )


def keys(variables: dict, bucket: str) -> set[str]:
    """Every key in the bucket."""
    listed = client(variables).list_objects_v2(Bucket=bucket).get("Contents", [])
    return {found["Key"] for found in listed}
