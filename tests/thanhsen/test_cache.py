"""The Redis cache keeps Django's behaviour while building one Redis client per pool."""

import threading

import pytest
from django.conf import settings

from thanhsen.cache import ReusingRedisCache


@pytest.mark.redis
def test_values_round_trip_and_every_call_shares_one_client():
    cache = ReusingRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-cache-reuse"})
    cache.set("answer", {"code": "TSHT-260225-0042"}, timeout=30)
    clients = []

    def read():
        assert cache.get_many(["answer", "missing"]) == {"answer": {"code": "TSHT-260225-0042"}}
        clients.append(cache._cache.get_client())

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Kept alive, so that a new client cannot reuse a discarded one's id.
    assert len(clients) == 4 and all(client is clients[0] for client in clients)
    cache.delete("answer")
