#!/usr/bin/env bash
# Start the action server, the lead service, the outbox worker and Rasa; stop them all on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
SERVICE_PORT="${SERVICE_PORT:-8000}"
# The action server and the outbox worker hand leads to the service here.
export LEAD_SERVICE_URL="${LEAD_SERVICE_URL:-http://localhost:$SERVICE_PORT}"
# The widget page (served by the service) talks socket.io to Rasa; only these pages may.
export WIDGET_SERVER_URL="${WIDGET_SERVER_URL:-http://localhost:$RASA_PORT}"
export WIDGET_ALLOWED_ORIGINS="${WIDGET_ALLOWED_ORIGINS:-http://localhost:$SERVICE_PORT,http://127.0.0.1:$SERVICE_PORT}"
if [[ -z "${WIDGET_SESSION_SECRET:-}" ]]; then
  # Signs the widget's session ids; kept in var/ so a restart does not end every visitor's conversation.
  if [[ ! -s var/widget-session-secret ]]; then
    (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > var/widget-session-secret)
  fi
  WIDGET_SESSION_SECRET="$(cat var/widget-session-secret)"
  export WIDGET_SESSION_SECRET
fi

mail_pid=
if [[ -z "${SMTP_HOST:-}" ]]; then
  # No mail server configured: a local one keeps the mentors' e-mails in var/mail (a maildir) to read.
  .venv/bin/python -m aiosmtpd -n -l "127.0.0.1:${SMTP_PORT:-8025}" -c aiosmtpd.handlers.Mailbox var/mail &
  mail_pid=$!
fi

.venv/bin/python -m rasa_sdk --actions actions --port "$ACTIONS_PORT" &
actions_pid=$!
.venv/bin/uvicorn bot.service.api.main:create_app --factory --host 127.0.0.1 --port "$SERVICE_PORT" &
service_pid=$!
# Delivers hand-offs (and erase requests) the action server could not hand to the service.
.venv/bin/python -m actions.lead_service.worker &
worker_pid=$!
trap 'kill $actions_pid $service_pid $worker_pid $mail_pid ${rasa_pid:-} 2>/dev/null || true' EXIT INT TERM

RASA_PORT="$RASA_PORT" scripts/rasa-server.sh &
rasa_pid=$!

for _ in $(seq 1 240); do
  if curl -fs "http://localhost:$RASA_PORT/webhooks/rest/" >/dev/null 2>&1; then break; fi
  sleep 1
done
cat <<MSG

  Mentorwijzer is running.
    Website chat:   http://localhost:$SERVICE_PORT/   (embed it on your site: /embed)
    Rasa server:    http://localhost:$RASA_PORT   (REST: POST /webhooks/rest/webhook)
    Action server:  http://localhost:$ACTIONS_PORT
    Lead service:   http://localhost:$SERVICE_PORT   (API docs: /docs, health: /health)
    Mentor e-mail:  ${SMTP_HOST:-kept in var/mail/new (local SMTP on port ${SMTP_PORT:-8025})}
  Talk to it:
    make chat            (in a second terminal)
    curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -d '{"sender": "ik", "message": "ik wil beter leren presenteren"}'
  Stop with Ctrl-C.

MSG
wait -n "$actions_pid" "$service_pid" "$worker_pid" "$rasa_pid"
