#!/bin/sh
# The pilot replica (compose.yaml): the first time, copy the primary with pg_basebackup
# (a replication slot keeps the WAL it has not received), then run as a hot standby.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h db -U replicator -d postgres; do sleep 1; done
    pg_basebackup -h db -U replicator -D "$PGDATA" -R -C -S baton_replica -X stream
    chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on -c jit=off
