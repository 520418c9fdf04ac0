"""Settings in one place: environment variables with the prefix JOINEDUP_."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///" + str(Path("var") / "joinedup.sqlite3")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOINEDUP_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    environment: Literal["development", "demo", "test", "production"] = "development"
    # Demo accounts sign in with a shared password and no second factor; never in production.
    demo_accounts: bool = False
    session_idle_minutes: int = Field(default=15, ge=1)
    session_absolute_hours: int = Field(default=10, ge=1)
    # How long a break-glass grant opens a child's record for its holder (ADR 0012).
    break_glass_minutes: int = Field(default=60, ge=5, le=720)
    cookie_secure: bool = False
    # Authentication (docs/security.md, ADR 0011). The key (32 random bytes, URL-safe base64)
    # encrypts two-factor secrets at rest and keys the sign-in throttle's hashes; production
    # refuses to start without it, elsewhere a published development key stands in.
    mfa_key: SecretStr | None = None
    # At most this many failed sign-in attempts (password or code) per account name in a
    # rolling window; then the account is locked until the window has passed.
    sign_in_max_failures: int = Field(default=10, ge=1, le=100)
    sign_in_window_minutes: int = Field(default=15, ge=1, le=1440)
    # Failed attempts from one client address in the same window (an office may share one).
    sign_in_address_max_failures: int = Field(default=100, ge=1)
    # Time allowed between the password and the second step (a code, or setting one up).
    sign_in_step_minutes: int = Field(default=10, ge=1, le=60)
    # OpenID Connect single sign-on with the council's identity provider (all four to enable).
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    # Only people whose verified e-mail address is in this domain are matched to accounts.
    oidc_email_domain: str | None = None
    # The redirect URI registered with the provider; unset, it is this site's own callback URL.
    oidc_redirect_uri: str | None = None
    # True when the council's provider enforces multi-factor sign-in itself: Joined Up then
    # asks for no code of its own after single sign-on.
    oidc_trusted_for_mfa: bool = False
    # Intake
    intake_batch_size: int = Field(default=1000, ge=1, le=50_000)
    intake_max_line_bytes: int = Field(default=1_048_576, ge=1024)
    api_max_batch: int = Field(default=1000, ge=1)
    # Identity linkage (match probabilities): at or above upper, link; between, a review task;
    # below lower, a new person. A trained model file replaces the packaged default.
    link_upper: float = Field(default=0.95, gt=0, lt=1)
    link_lower: float = Field(default=0.60, gt=0, lt=1)
    link_model_path: Path | None = None
    # Cumulative-concern rules: the partnership's rules file (docs/rules.example.yaml); None runs
    # every default rule with its default parameters. Validated at start-up.
    rules_path: Path | None = None
    # The local authority whose casework this is: the source of its own chronology records.
    # The defaults are the synthetic demo authority's (docs/demo-authority.md).
    authority_name: str = Field(
        default="Kestrelford Borough Council Children's Services", min_length=1, max_length=200
    )
    authority_code: str = Field(default="990", pattern=r"^[0-9]{3}$")
    log_level: str = "INFO"
    # Notifications (sharing/outbox.py): e-mail over SMTP, relayed from the outbox after commit.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    # STARTTLS (verified against the system's CAs, or `smtp_ca_file`) and, if given, AUTH.
    smtp_starttls: bool = False
    smtp_ca_file: Path | None = None
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = Field(default="no-reply@joinedup.invalid", pattern=r"^[^@\s]+@[^@\s]+$")
    outbox_max_attempts: int = Field(default=8, ge=1)
    # The e-mail channel: SMTP (above), or GOV.UK Notify through one template whose subject is
    # ((subject)) and message ((body)) (sharing/notify_channel.py; docs/sharing.md).
    mail_channel: Literal["smtp", "notify"] = "smtp"
    notify_api_key: SecretStr | None = None
    notify_template_id: str | None = Field(default=None, pattern=r"^[0-9a-fA-F-]{36}$")
    notify_base_url: str = Field(
        default="https://api.notifications.service.gov.uk", pattern=r"^https?://"
    )
    # Operation Encompass: the authority's term dates, schools' DSL addresses and its elective
    # home education team (sharing/schooldays.py); None uses the demo authority's packaged file.
    school_calendar_path: Path | None = None
    # How a partner reaches a lead worker (shown with the partner look-up's flag).
    front_door_contact: str = Field(
        default="Kestrelford front door, 0300 000 0990 (synthetic)", min_length=1, max_length=200
    )
    # Caseloads (docs/workforce.md): the cap in children per FTE, and the weight of each kind of
    # case; the authority sets both. A warning asks the manager to confirm before a cap is broken.
    caseload_cap_per_fte: float = Field(default=18.0, gt=0, le=100)
    caseload_weight_child_protection: float = Field(default=1.5, ge=0, le=10)
    caseload_weight_looked_after: float = Field(default=1.25, ge=0, le=10)
    caseload_weight_child_in_need: float = Field(default=1.0, ge=0, le=10)
    caseload_weight_assessment: float = Field(default=1.0, ge=0, le=10)
    # The leaders' dashboard (docs/dashboard.md): the authority's 0-17 population, the
    # denominator of every rate per 10,000 children (the ONS mid-year estimate the DfE uses).
    # Unset, the page shows counts and says the rates need it; never guessed from the store.
    child_population: int | None = Field(default=None, ge=1, le=5_000_000)
    # Retention (docs/governance.md): looked after to the 75th birthday, adoption 100 years,
    # child protection 35 years after the case closed, anything else to the default birthday.
    retention_looked_after_age: int = Field(default=75, ge=18, le=120)
    retention_adoption_years: int = Field(default=100, ge=1, le=150)
    retention_child_protection_years: int = Field(default=35, ge=1, le=100)
    retention_default_age: int = Field(default=25, ge=18, le=120)
    # The unusual-volume alert (docs/governance.md): an account that views more distinct
    # children in a day than the larger of this number and `factor` times its own median day.
    audit_alert_children: int = Field(default=50, ge=1, le=100_000)
    audit_alert_factor: float = Field(default=3.0, ge=1, le=100)
    # Serious incidents (docs/quality.md): calendar months from commissioning a local child
    # safeguarding practice review to its publication (Working Together 2023: 6 months).
    lcspr_publication_months: int = Field(default=6, ge=1, le=24)
    # Professional challenge (docs/practice.md): working days each stage of an escalation has
    # before it moves on by itself (practitioner, manager, senior manager, partnership); the
    # partnership's escalation policy sets them. Early help: weeks between family plan reviews.
    escalation_working_days: tuple[int, int, int, int] = (2, 5, 10, 15)
    early_help_review_weeks: int = Field(default=6, ge=1, le=26)

    @model_validator(mode="after")
    def _notify_complete(self) -> Settings:
        if self.mail_channel == "notify" and not (self.notify_api_key and self.notify_template_id):
            raise ValueError(
                "JOINEDUP_MAIL_CHANNEL=notify needs JOINEDUP_NOTIFY_API_KEY and "
                "JOINEDUP_NOTIFY_TEMPLATE_ID"
            )
        return self

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> Settings:
        if not self.link_lower < self.link_upper:
            raise ValueError("JOINEDUP_LINK_LOWER must be below JOINEDUP_LINK_UPPER")
        return self

    @model_validator(mode="after")
    def _authentication_keys(self) -> Settings:
        if self.environment == "production" and self.mfa_key is None:
            raise ValueError("JOINEDUP_MFA_KEY must be set in production")
        if self.environment == "production" and self.demo_accounts:
            raise ValueError("JOINEDUP_DEMO_ACCOUNTS must be off in production")
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another engine or an in-memory database."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        return None
    path = database_url[len(prefix) :]
    return None if path in ("", ":memory:") else Path(path)
