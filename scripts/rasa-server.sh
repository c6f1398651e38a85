#!/usr/bin/env bash
# Start one Rasa server, the same way for `make run`, the tests and the benchmarks (so a fault in
# these arguments shows up in a test, not only by hand). `bot.rasa_server` is `rasa` with our
# speed-ups to Rasa 3.6 applied first. Settings from the environment:
#   RASA_PORT (5005), RASA_MODEL (models/current.tar.gz),
#   RASA_AUTH_TOKEN: Rasa's HTTP API (trackers, model loading) exists only behind this token,
#   RASA_CORS_ORIGINS: comma-separated, only for browsers that call the REST API directly.
#   RASA_ENDPOINTS: another endpoints file (default endpoints.yml).
set -euo pipefail
cd "$(dirname "$0")/.."

api_args=()
if [[ -n "${RASA_AUTH_TOKEN:-}" ]]; then
  api_args=(--enable-api "--auth-token=$RASA_AUTH_TOKEN")  # "=": a token may begin with "-"
fi

cors_args=()
if [[ -n "${RASA_CORS_ORIGINS:-}" ]]; then
  # Not the widget's origins: socket.io answers CORS itself, and a second
  # Access-Control-Allow-Origin header makes browsers refuse both.
  IFS=, read -ra cors_origins <<< "$RASA_CORS_ORIGINS"
  cors_args=(--cors "${cors_origins[@]}")
fi

exec .venv-rasa/bin/python -m bot.rasa_server run --model "${RASA_MODEL:-models/current.tar.gz}" --port "${RASA_PORT:-5005}" \
  --credentials credentials.yml --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" \
  "${cors_args[@]}" "${api_args[@]}"
