#!/bin/sh
# The host agent's healthcheck: all three services answer UP on their health endpoint (open, no token).
for port in 8081 8082 8083; do
  wget -q -O - "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"UP"' || exit 1
done
