#!/bin/sh
# A self-signed certificate for the pilot's nginx (compose.yaml); a real deployment puts
# the site's certificate and key here as baton.crt and baton.key instead.
set -eu
cd "$(dirname "$0")"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout baton.key -out baton.crt
chmod 600 baton.key
echo "已生成 deploy/tls/baton.crt 与 baton.key（自签名，仅供试点）。"
