"""Before the tests: make sure PostgreSQL and Redis answer, and say how to fix it if not."""

import os
import sys

import psycopg
import redis

DATABASE = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")

problems = []
try:
    with psycopg.connect(DATABASE, connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except psycopg.Error as exc:
    problems.append(
        f"PostgreSQL does not answer at {DATABASE} ({exc}).\n"
        "  Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    )
try:
    redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
except redis.RedisError as exc:
    problems.append(
        f"Redis does not answer at {REDIS} ({exc}).\n"
        '  Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
    )
if problems:
    print("The tests need real PostgreSQL and Redis:\n" + "\n".join(problems), file=sys.stderr)
    sys.exit(1)
print("PostgreSQL and Redis answer.")
