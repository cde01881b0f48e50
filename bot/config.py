"""Settings from the environment and `.env`, named as in the user-facing contract."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///./data/tpmbot.db"
DEFAULT_GITHUB_API_URL = "https://api.github.com"


class MissingSetting(RuntimeError):
    """A variable the chosen mode needs is not set; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    tpmbot_default_timezone: str = "UTC"
    log_level: str = "INFO"
    # HTTP serving (tpmbot serve); the CLI flags override these.
    tpmbot_host: str = "0.0.0.0"
    tpmbot_port: int = Field(default=3000, ge=1, le=65535)
    tpmbot_workers: int = Field(default=2, ge=1, le=64)
    tpmbot_threads: int = Field(default=8, ge=1, le=256)
    # Scheduled work. Occurrences missed while down are sent late if at most this old, else recorded as missed.
    tpmbot_catchup_grace_minutes: int = Field(default=15, ge=1, le=24 * 60)  # >= the tick window
    # Every serving process tries this often to become the one that runs the scheduler.
    tpmbot_leader_retry_seconds: float = Field(default=10.0, gt=0, le=3600)
    # How often the scheduler ticks (60: on each minute) and drains the outbound queue.
    tpmbot_tick_seconds: float = Field(default=60.0, gt=0, le=3600)
    tpmbot_drain_seconds: float = Field(default=5.0, gt=0, le=3600)
    # Trackers (README "Trackers"): read when a program connects, never logged.
    github_token: SecretStr | None = None
    github_api_url: str = DEFAULT_GITHUB_API_URL
    github_webhook_secret: SecretStr | None = None
    jira_url: str | None = None
    jira_email: str | None = None
    jira_api_token: SecretStr | None = None
    jira_webhook_secret: SecretStr | None = None
    # Tests only: "<ISO instant>,<unix time>,<rate>" runs the clock from that instant at that rate.
    tpmbot_test_clock: str | None = None

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", "github_token",
                     "github_webhook_secret", "jira_url", "jira_email", "jira_api_token", "jira_webhook_secret",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("github_api_url")
    @classmethod
    def _api_url_without_slash(cls, value: str) -> str:
        return value.strip().rstrip("/") or DEFAULT_GITHUB_API_URL

    @field_validator("tpmbot_default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r} (example: Europe/Berlin)") from exc
        return value

    @property
    def has_slack_credentials(self) -> bool:
        return any((self.slack_bot_token, self.slack_signing_secret, self.slack_app_token))

    def require(self, *names: str) -> None:
        """Refuse to go on unless every named variable is set; say which ones are missing."""
        missing = [name.upper() for name in names if not getattr(self, name)]
        if missing:
            raise MissingSetting(
                "missing setting(s): " + ", ".join(missing) + " — set them in the environment or in .env "
                "(see .env.example)"
            )

    def secret(self, name: str) -> str:
        value = getattr(self, name)
        if value is None:
            return ""
        return value.get_secret_value() if isinstance(value, SecretStr) else str(value)

    def sqlite_path(self) -> Path | None:
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix):])
        return None
