"""`rasa` with our speed-ups to Rasa 3.6 applied first (bot/rasa_speedups.py):
`scripts/rasa-server.sh` runs `python -m bot.rasa_server run ...`. Runs in Rasa's environment."""

from __future__ import annotations

from bot import rasa_speedups


def main() -> None:
    rasa_speedups.apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
