"""The kubo RPC client, against a server replaying kubo 0.26.0 bodies, and a live node if any."""

from __future__ import annotations

import io
import os
import socket

import httpx
import pytest

from ipfs.embedded import EmbeddedIpfs
from ipfs.errors import (
    IpfsError,
    KuboApiError,
    KuboConnectionError,
    KuboResponseError,
    KuboTimeoutError,
)
from ipfs.factory import open_ipfs
from ipfs.interface import IpfsBackend
from ipfs.kubo import KuboClient, normalise_api_url
from tests.ipfs.fake_kubo import FIXTURE, FakeKubo
from tests.ipfs.helpers import content

CHUNK = 262_144


@pytest.fixture
def kubo(tmp_path):
    server = FakeKubo(tmp_path / "kubo-node").start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(kubo):
    with KuboClient(kubo.url, backoff_seconds=0) as client:
        yield client


def test_fixture_names_its_kubo_version():
    assert FIXTURE["kubo_version"] == "0.26.0"


def test_version(client):
    version = client.version()
    assert version.version == "0.26.0" and version.repo == "15"


@pytest.mark.parametrize("cid_version", [0, 1])
def test_add_cat_round_trip_with_kubo_identical_cids(client, tmp_path, cid_version):
    data = content(2 * CHUNK + 99, seed=cid_version)
    cid = client.add_bytes(data, cid_version=cid_version)
    local = EmbeddedIpfs.open(tmp_path / "local", durable=False)
    assert cid == local.add_bytes(data, cid_version=cid_version, only_hash=True)
    assert b"".join(client.cat(cid)) == data


def test_add_stream_uploads_a_file(client, tmp_path):
    path = tmp_path / "upload.bin"
    path.write_bytes(content(CHUNK + 1, seed=3))
    with path.open("rb") as stream:
        cid = client.add_stream(stream)
    assert b"".join(client.cat(cid)) == path.read_bytes()


def test_pin_unpin_has(client, kubo):
    cid = client.add_bytes(b"pin me", pin=False)
    assert client.has(cid)
    client.pin(cid)
    assert kubo.ipfs.store.is_pinned(cid)
    client.unpin(cid)
    assert not kubo.ipfs.store.is_pinned(cid)
    with pytest.raises(KuboApiError, match="not pinned"):
        client.unpin(cid)
    missing = EmbeddedIpfs.open(kubo.ipfs.store.root.parent / "x").add_bytes(b"?", only_hash=True)
    assert not client.has(missing)


def test_car_import_and_export(client, tmp_path):
    local = EmbeddedIpfs.open(tmp_path / "local", durable=False)
    data = content(3 * CHUNK, seed=4)
    root = local.add_bytes(data, cid_version=1)
    car = io.BytesIO()
    local.export_car(root, car)
    assert client.import_car(io.BytesIO(car.getvalue())) == [root]
    assert client.import_car(io.BytesIO(car.getvalue()), pin_roots=False) == [root]
    exported = io.BytesIO()
    client.export_car(root, exported)
    assert exported.getvalue() == car.getvalue()


def test_errors_are_typed(client, kubo):
    missing = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyka"
    with pytest.raises(KuboApiError) as raised:
        client.cat(missing)
    assert raised.value.status_code == 500 and "could not find" in raised.value.message
    kubo.overrides["version"] = (404, b"404 page not found\n")
    with pytest.raises(KuboApiError) as raised:
        client.version()
    assert raised.value.status_code == 404
    kubo.overrides["add"] = (200, b"")
    with pytest.raises(KuboResponseError, match="Hash"):
        client.add_bytes(b"x")
    kubo.overrides["pin/add"] = (200, b"<html>not json</html>")
    with pytest.raises(KuboResponseError):
        client.pin(missing)


def test_timeout(kubo):
    kubo.delay_seconds = 1.0
    with KuboClient(kubo.url, timeout=0.2) as slow, pytest.raises(KuboTimeoutError):
        slow.version()


def test_connection_failures_are_retried_a_bounded_number_of_times():
    attempts = {"count": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts["count"] += 1
        if attempts["count"] < 3:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json=FIXTURE["bodies"]["version"])

    transport = httpx.MockTransport(flaky)
    with KuboClient("http://kubo.invalid:5001", transport=transport, backoff_seconds=0) as c:
        assert c.version().version == "0.26.0"
    assert attempts["count"] == 3

    attempts["count"] = -100  # never recovers
    with (
        KuboClient(
            "http://kubo.invalid:5001", transport=transport, retries=2, backoff_seconds=0
        ) as c,
        pytest.raises(KuboConnectionError, match="3 attempts"),
    ):
        c.version()


def test_refused_connection_on_a_real_socket():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with KuboClient(f"http://127.0.0.1:{port}", retries=1, backoff_seconds=0) as client:
        with pytest.raises(KuboConnectionError):
            client.version()


def test_multiaddr_urls_are_accepted():
    assert normalise_api_url("/ip4/127.0.0.1/tcp/5001") == "http://127.0.0.1:5001"
    assert normalise_api_url("/dns/kubo/tcp/443/https") == "https://kubo:443"
    assert normalise_api_url("http://localhost:5001/") == "http://localhost:5001"


def test_both_backends_satisfy_the_interface_and_the_factory_picks(tmp_path, kubo):
    embedded = open_ipfs("embedded", tmp_path / "store")
    remote = open_ipfs("kubo", kubo_url=kubo.url)
    try:
        assert isinstance(embedded, EmbeddedIpfs) and isinstance(embedded, IpfsBackend)
        assert isinstance(remote, KuboClient) and isinstance(remote, IpfsBackend)
        data = content(CHUNK * 2, seed=5)
        assert embedded.add_bytes(data) == remote.add_bytes(data)
    finally:
        remote.close()
    with pytest.raises(IpfsError):
        open_ipfs("kubo")
    with pytest.raises(IpfsError):
        open_ipfs("ipfs-cluster", tmp_path)


@pytest.mark.kubo
@pytest.mark.skipif(not os.environ.get("LUMBUNG_KUBO_URL"), reason="LUMBUNG_KUBO_URL is not set")
@pytest.mark.parametrize("cid_version", [0, 1])
def test_live_kubo_node(tmp_path, cid_version):
    """Against a real node: same CIDs as the embedded store, and a CAR round trip."""
    local = EmbeddedIpfs.open(tmp_path / "local", durable=False)
    data = content(CHUNK * 175 + 3, seed=6)  # a two-level tree
    with KuboClient(os.environ["LUMBUNG_KUBO_URL"]) as live:
        assert live.version().version
        cid = live.add_bytes(data, cid_version=cid_version)
        assert cid == local.add_bytes(data, cid_version=cid_version)
        assert b"".join(live.cat(cid)) == data
        assert live.has(cid)
        exported = io.BytesIO()
        live.export_car(cid, exported)
        other = EmbeddedIpfs.open(tmp_path / "other", durable=False)
        assert other.import_car(io.BytesIO(exported.getvalue())) == [cid]
        small = local.add_bytes(b"lumbung live test %d" % cid_version, cid_version=cid_version)
        car = io.BytesIO()
        local.export_car(small, car)
        assert live.import_car(io.BytesIO(car.getvalue())) == [small]
        live.unpin(small)
        live.unpin(cid)
