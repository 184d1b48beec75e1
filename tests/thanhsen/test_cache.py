"""The Redis cache keeps Django's behaviour while building one Redis client per pool."""

import threading

import pytest
from django.conf import settings

from thanhsen.cache import ReusingRedisCache


@pytest.mark.redis
def test_values_round_trip_and_every_call_shares_one_client():
    cache = ReusingRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-cache-reuse"})
    cache.set("answer", {"code": "TSHT-260225-0042"}, timeout=30)
    clients = set()

    def read():
        assert cache.get_many(["answer", "missing"]) == {"answer": {"code": "TSHT-260225-0042"}}
        clients.add(id(cache._cache.get_client()))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(clients) == 1
    cache.delete("answer")
