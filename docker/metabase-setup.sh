#!/bin/sh
# Connect Metabase to the warehouse's marts as the read-only `bi_reader` role, once.
# Runs in the metabase-setup container after Metabase is healthy; every secret comes from the environment.
set -eu
MB="${MB_URL:-http://metabase:3000}"

token=$(curl -fsS "$MB/api/session/properties" | sed -n 's/.*"setup-token":"\([^"]*\)".*/\1/p')
if [ -n "$token" ]; then
  curl -fsS -X POST "$MB/api/setup" -H 'Content-Type: application/json' -d "{
    \"token\": \"$token\",
    \"user\": {\"email\": \"$MB_ADMIN_EMAIL\", \"password\": \"$MB_ADMIN_PASSWORD\", \"first_name\": \"nianbao\", \"last_name\": \"admin\"},
    \"prefs\": {\"site_name\": \"nianbao\", \"allow_tracking\": false}
  }" >/dev/null
fi

session=$(curl -fsS -X POST "$MB/api/session" -H 'Content-Type: application/json' \
  -d "{\"username\": \"$MB_ADMIN_EMAIL\", \"password\": \"$MB_ADMIN_PASSWORD\"}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')

if curl -fsS "$MB/api/database" -H "X-Metabase-Session: $session" | grep -q '"name":"nianbao marts"'; then
  echo "Metabase already connected to the marts"; exit 0
fi
curl -fsS -X POST "$MB/api/database" -H "X-Metabase-Session: $session" -H 'Content-Type: application/json' -d "{
  \"engine\": \"postgres\", \"name\": \"nianbao marts\",
  \"details\": {\"host\": \"warehouse-db\", \"port\": 5432, \"dbname\": \"nianbao\",
                \"user\": \"bi_reader\", \"password\": \"$NIANBAO_BI_READER_PASSWORD\",
                \"schema-filters-type\": \"inclusion\", \"schema-filters-patterns\": \"marts\"}
}" >/dev/null
echo "Metabase connected to the marts as bi_reader"
