#!/usr/bin/env bash
# Start the action server and the Rasa server; stop both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
SERVICE_PORT="${SERVICE_PORT:-8000}"

api_args=()
if [[ -n "${RASA_AUTH_TOKEN:-}" ]]; then
  # The HTTP API (trackers, model loading) exists only behind a token.
  api_args=(--enable-api --auth-token "$RASA_AUTH_TOKEN")
fi

.venv/bin/python -m rasa_sdk --actions actions --port "$ACTIONS_PORT" &
actions_pid=$!
.venv/bin/uvicorn bot.service.api.main:create_app --factory --host 127.0.0.1 --port "$SERVICE_PORT" &
service_pid=$!
trap 'kill $actions_pid $service_pid ${rasa_pid:-} 2>/dev/null || true' EXIT INT TERM

.venv-rasa/bin/rasa run --model models/current.tar.gz --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml \
  --cors "${RASA_CORS_ORIGINS:-http://localhost:8000}" "${api_args[@]}" &
rasa_pid=$!

for _ in $(seq 1 240); do
  if curl -fs "http://localhost:$RASA_PORT/webhooks/rest/" >/dev/null 2>&1; then break; fi
  sleep 1
done
cat <<MSG

  Mentorwijzer is running.
    Rasa server:    http://localhost:$RASA_PORT   (REST: POST /webhooks/rest/webhook)
    Action server:  http://localhost:$ACTIONS_PORT
    Lead service:   http://localhost:$SERVICE_PORT   (API docs: /docs, health: /health)
  Talk to it:
    make chat            (in a second terminal)
    curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -d '{"sender": "ik", "message": "ik wil beter leren presenteren"}'
  Stop with Ctrl-C.

MSG
wait -n "$actions_pid" "$service_pid" "$rasa_pid"
