#!/usr/bin/env bash
# `make run`: local SMTP (unless SMTP_HOST is set), the lead service, the outbox worker, the action
# server and Rasa under one supervisor (bot/run/): a process that dies is started again after a
# back-off, the others keep serving; Ctrl-C or SIGTERM stops every one of them and what they started.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m bot.run
