#!/bin/sh
# Make this machine a streaming replica of the primary, with a replication slot so the
# primary keeps the WAL the replica has not received yet. Run as the postgres user on the
# replica machine, with its PostgreSQL stopped and its data directory empty:
#
#   PRIMARY=10.0.0.21 DATA=/var/lib/postgresql/15/main sh replica-setup.sh
#
# The primary needs deploy/postgres/primary.conf and, in pg_hba.conf, a line such as
#   host replication replicator 10.0.0.22/32 scram-sha-256
# and the role:  CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '…';
# (the password in ~postgres/.pgpass on the replica).
set -eu
: "${PRIMARY:?PRIMARY: the primary's address}"
: "${DATA:?DATA: this replica's empty data directory}"
SLOT=${SLOT:-baton_replica}
USER=${REPLICATION_USER:-replicator}

if [ -n "$(ls -A "$DATA" 2>/dev/null)" ]; then
    echo "数据目录 $DATA 不是空的：请先停止本机的 PostgreSQL 并清空它。" >&2
    exit 1
fi
# -R writes standby.signal and primary_conninfo; -C -S creates the slot on the primary.
pg_basebackup -h "$PRIMARY" -U "$USER" -D "$DATA" -R -C -S "$SLOT" -X stream -P
echo "完成：启动本机 PostgreSQL 后，在主库上查看 SELECT * FROM pg_stat_replication;"
echo "应用服务器的环境里设置 DATABASE_REPLICA_URL=postgres://baton@<本机地址>:5432/baton"
