"""bot/run/programs.py: what `make run` starts, with which settings, and who gets which credential."""

from __future__ import annotations

from pathlib import Path

from bot.run.programs import CREDENTIALS_FOR, RunSettings, programs

GENERATED = {name: f"{name.lower()}-value" for name in
             ("SERVICE_TOKEN", "STAFF_SECRET_KEY", "WIDGET_SESSION_SECRET", "ACTION_SERVER_TOKEN")}


def started(environ: dict[str, str]) -> dict[str, dict[str, str]]:
    return {program.name: dict(program.env) for program in
            programs(RunSettings.from_environ(environ), environ, GENERATED)}


def test_each_process_gets_only_the_credentials_it_uses_including_the_operators_own():
    envs = started({"RASA_AUTH_TOKEN": "rasa-api", "STAFF_TOKEN": "staff-automation", "PATH": "/usr/bin"})
    held = {name: {key for key in env if key in CREDENTIALS_FOR} for name, env in envs.items()}
    assert held == {
        "smtp": set(),
        "service": {"SERVICE_TOKEN", "STAFF_SECRET_KEY", "STAFF_TOKEN"},
        "worker": {"SERVICE_TOKEN"},
        "actions": {"SERVICE_TOKEN", "ACTION_SERVER_TOKEN"},
        "rasa": {"ACTION_SERVER_TOKEN", "WIDGET_SESSION_SECRET", "RASA_AUTH_TOKEN"},
    }
    assert envs["rasa"]["RASA_AUTH_TOKEN"] == "rasa-api"
    assert envs["actions"]["SERVICE_TOKEN"] == envs["service"]["SERVICE_TOKEN"] == GENERATED["SERVICE_TOKEN"]
    assert all(env["PATH"] == "/usr/bin" for env in envs.values())


def test_a_fresh_clone_keeps_everything_under_var_dir_and_follows_the_ports():
    envs = started({"VAR_DIR": "/tmp/elders", "ACTIONS_PORT": "6055", "SERVICE_PORT": "9000", "SMTP_PORT": "2525"})
    rasa, service = envs["rasa"], envs["service"]
    assert rasa["DATABASE_URL"] == service["DATABASE_URL"] == "sqlite:////tmp/elders/mentorwijzer.db"
    assert envs["actions"]["LEAD_OUTBOX_URL"] == "sqlite:////tmp/elders/lead_outbox.db"
    assert rasa["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:6055/webhook"
    assert envs["worker"]["LEAD_SERVICE_URL"] == "http://127.0.0.1:9000"
    assert (service["SMTP_HOST"], service["SMTP_PORT"]) == ("127.0.0.1", "2525")
    smtp = next(p for p in programs(RunSettings.from_environ({"VAR_DIR": "/tmp/elders"}), {}, GENERATED)
                if p.name == "smtp")
    assert str(Path("/tmp/elders/mail")) in smtp.argv


def test_settings_given_win_and_a_mail_server_given_replaces_the_local_one():
    envs = started({"DATABASE_URL": "postgresql://db/mw", "SMTP_HOST": "mail.example.nl", "SMTP_PORT": "587"})
    assert "smtp" not in envs
    assert envs["rasa"]["DATABASE_URL"] == "postgresql://db/mw"
    assert (envs["service"]["SMTP_HOST"], envs["service"]["SMTP_PORT"]) == ("mail.example.nl", "587")
