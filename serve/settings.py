"""Settings: config/app.yaml (+ the file in CSAGENT_CONFIG, + config/models.yaml) overlaid by CSAGENT_* variables.

This is the only module that reads the environment. Nested sections take `__` in variable names, e.g.
`CSAGENT_AUTH__ACCESS_TOKEN_TTL_S=600`; top-level fields are flat (`CSAGENT_HTTP_PORT=8001`).
"""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from models.config import PROJECT_ROOT, GraphConfig, LLMConfig, NLPConfig, RetrievalConfig, resolve_path
from models.engines.registry import REGISTRY_FILE, load_registry
from models.salesforce import SECRET_FIELDS, SalesforceConfig

DEFAULT_CONFIG = PROJECT_ROOT / "config" / "app.yaml"
DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef"


def _loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuthSettings(_Section):
    jwt_secret: str | None = Field(
        default=None,
        min_length=32,
        description="HMAC key for access tokens (HS256); unset: a random key generated once per install in "
        "`jwt_secret_file`. Required in production (every machine must sign with the same key).",
    )
    jwt_secret_file: str = Field(
        default="var/jwt_secret",
        description="Where the generated key lives when `jwt_secret` is unset (mode 0600; relative paths are "
        "under the project root).",
    )
    jwt_issuer: str = Field(default="csagent", description="`iss` claim written and required.")
    jwt_audience: str = Field(default="csagent-chat", description="`aud` claim written and required.")
    access_token_ttl_s: int = Field(default=900, ge=60, le=86400, description="Access token lifetime (s).")
    refresh_token_ttl_s: int = Field(
        default=14 * 86400,
        ge=3600,
        description="A refresh token unused this long (s) expires; each use rotates it.",
    )
    refresh_family_lifetime_s: int = Field(
        default=30 * 86400,
        ge=3600,
        description="A sign-in ends this long (s) after it began, however often its token is refreshed.",
    )
    login_attempts_per_account: int = Field(
        default=10, ge=1, le=1000, description="Sign-in attempts per account within the window before 429."
    )
    login_attempts_window_s: int = Field(
        default=900, ge=1, le=86400, description="The sliding window (s) the sign-in attempts are counted in."
    )
    password_hash_concurrency: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Password hashes (argon2) running at once per replica, in threads off the event loop.",
    )
    default_organization: str = Field(default="Default", description="Organisation that guest users join.")


class ChatSettings(_Section):
    max_content_chars: int = Field(
        default=8000, ge=1, le=8000, description="Longest message a user may send."
    )
    ws_max_frame_bytes: int = Field(default=65536, ge=1024, description="Largest WebSocket frame accepted.")
    ws_auth_timeout_s: float = Field(default=5.0, gt=0, description="Time to send the `auth` frame.")
    ws_auth_max_frame_bytes: int = Field(
        default=8192, ge=256, description="Largest frame before authentication; larger closes with 1009."
    )
    ws_outbox_events: int = Field(
        default=1000, ge=16, description="Events queued for one socket; a reader this far behind gets 1013."
    )
    ws_send_timeout_s: float = Field(
        default=10.0, gt=0, description="Longest a replay waits for a slow reader before closing it (1013)."
    )
    ws_max_sockets_per_user: int = Field(
        default=20, ge=1, description="Open sockets per user on one ingress replica; more close with 1008."
    )
    ws_max_sockets_per_ip: int = Field(
        default=1000,
        ge=1,
        description="Open sockets per client IP on one ingress replica; more close with 1008.",
    )
    ws_max_subscriptions: int = Field(
        default=50, ge=1, description="Conversations one socket may follow at once."
    )
    inactivity_timeout_s: int = Field(
        default=1800, ge=1, description="Idle time after which an active conversation becomes abandoned."
    )
    sweep_interval_s: float = Field(
        default=30.0,
        gt=0,
        description="How often the ingress recovers unfinished turns and marks idle chats.",
    )
    turn_timeout_s: float = Field(default=120.0, gt=0, description="Longest a turn may run before it fails.")
    drain_timeout_s: float = Field(
        default=12.0,
        ge=0,
        description=(
            "When Serve stops an ingress replica (a redeploy, a downscale), how long its running turns may take "
            "to finish before they are cancelled and handed to another replica. Keep it at least 5 s under the "
            "ingress's graceful_shutdown_timeout_s in config/serve.yaml, after which Serve kills the replica."
        ),
    )
    reply_lease_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description=(
            "Lease on a reply being produced, renewed every third of it; once it runs out (its replica died) "
            "any replica's sweeper runs the turn again. Shorter recovers faster and renews more often."
        ),
    )


class RateLimitSettings(_Section):
    enabled: bool = Field(
        default=True, description="Refuse requests over the limits with 429 and Retry-After."
    )
    user_per_minute: int = Field(default=240, ge=1, description="HTTP requests per user per minute.")
    ip_per_minute: int = Field(default=600, ge=1, description="HTTP requests per client IP per minute.")
    ws_sends_per_minute: int = Field(
        default=30, ge=1, description="WebSocket `message.send` frames per user per minute."
    )
    ws_frames_per_s: float = Field(
        default=20.0, gt=0, description="WebSocket frames of any type per socket per second, sustained."
    )
    ws_frame_burst: int = Field(
        default=100,
        ge=1,
        description="Frames a socket may send at once; as many refused frames in a row close it with 1008.",
    )
    ws_subscribes_per_minute: int = Field(
        default=60,
        ge=1,
        description="WebSocket `subscribe` frames per socket per minute (at once after a reconnect, then spread).",
    )
    ws_typing_per_minute: int = Field(
        default=60, ge=1, description="WebSocket `typing` frames per socket per minute."
    )


class RaySettings(_Section):
    address: str | None = Field(
        default=None, description="Existing cluster to join (`auto`); none starts one."
    )
    num_cpus: int | None = Field(default=None, ge=1, description="CPUs of a locally started cluster.")
    dashboard_host: str = Field(default="127.0.0.1", description="Ray dashboard bind address.")
    dashboard_port: int = Field(default=8265, ge=1, le=65535, description="Ray dashboard port.")
    include_dashboard: bool = Field(default=True, description="Start Ray's dashboard with `make run`.")
    haproxy_ingress: bool = Field(
        default=False,
        description="HTTP and WebSockets go from HAProxy straight to the ingress replicas instead of through "
        "Serve's Python proxy (Ray's RAY_SERVE_ENABLE_HA_PROXY + RAY_SERVE_THROUGHPUT_OPTIMIZED); needs the "
        "`haproxy` binary. Applies to the cluster `csagent up` starts; on a real cluster set those variables "
        "on `ray start`.",
    )


class OpsSettings(_Section):
    """Operators' endpoints on the public listener. A switch left unset follows `env`: open outside production,
    closed in production, so a production start never exposes them by accident."""

    metrics_token: str | None = Field(
        default=None,
        min_length=16,
        repr=False,
        description="Bearer token Prometheus must send to GET /metrics (`Authorization: Bearer …`). Unset: "
        "/metrics is open outside production and answers 404 in production.",
    )
    api_docs: bool | None = Field(
        default=None,
        description="Serve /api/docs and /api/v1/openapi.json. Unset: on outside production, off in production.",
    )
    readiness_details: bool | None = Field(
        default=None,
        description="GET /api/ready shows every check to anyone (admins always see them). Unset: on outside "
        "production; in production others get only `ready`.",
    )


class Settings(BaseSettings):
    """Every setting of csagent, validated at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="CSAGENT_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    env: Literal["development", "test", "production"] = Field(
        default="development", description="`production` refuses development secrets."
    )
    http_host: str = Field(default="127.0.0.1", description="Address the HTTP server binds.")
    http_port: int = Field(default=8000, ge=1, le=65535, description="Port the HTTP server binds.")
    http_max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest HTTP request body; larger is refused with 413 before it is read whole.",
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///var/csagent.db",
        description="SQLAlchemy URL: sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db.",
    )
    database_pool_size: int = Field(
        default=10, ge=1, le=200, description="Connections per replica (Postgres)."
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for shared state between replicas (optional): redis://host:6379/0, or rediss:// for "
        "TLS (`?ssl_ca_certs=/path/ca.pem` to name the CA).",
    )
    redis_password: str | None = Field(
        default=None,
        repr=False,
        description="Redis AUTH password, kept out of redis_url (e.g. CSAGENT_REDIS_PASSWORD from a secret "
        "store); merged into the URL at start-up. Production refuses a Redis beyond loopback without one.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Log level.")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to call the API.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of proxies whose X-Forwarded-For is believed; none: the "
        "peer address is the client.",
    )
    auth: AuthSettings = Field(default_factory=AuthSettings)
    chat: ChatSettings = Field(default_factory=ChatSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    nlp: NLPConfig = Field(default_factory=NLPConfig)
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    llm: LLMConfig = Field(default_factory=LLMConfig)
    graph: GraphConfig = Field(default_factory=GraphConfig)
    ray: RaySettings = Field(default_factory=RaySettings)
    ops: OpsSettings = Field(default_factory=OpsSettings)
    salesforce: SalesforceConfig = Field(
        default_factory=SalesforceConfig,
        description="Hand-off to Salesforce Cases (models/salesforce.py); unset instance_url keeps it local.",
    )

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                f"database_url {url!r} is not supported: use sqlite+aiosqlite:///var/csagent.db or "
                "postgresql+asyncpg://user:password@host:5432/dbname"
            )
        return url

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"trusted_proxies entry {entry!r} is not an IP address or network; use e.g. 10.0.0.5 or "
                    "10.0.0.0/8"
                ) from exc
        return entries

    @model_validator(mode="after")
    def _no_dev_secrets_in_reach(self) -> Settings:
        if self.auth.jwt_secret == DEV_SECRET and (self.env == "production" or not _loopback(self.http_host)):
            where = "in production" if self.env == "production" else f"with http_host {self.http_host!r}"
            raise ValueError(
                f"auth.jwt_secret is the public development placeholder, refused {where}: anyone could sign "
                "tokens. Unset CSAGENT_AUTH__JWT_SECRET (a random key is generated under var/) or set it to 32+ "
                "random characters"
            )
        if self.env == "production" and self.auth.jwt_secret is None:
            raise ValueError(
                "auth.jwt_secret is unset; in production set CSAGENT_AUTH__JWT_SECRET to 32+ random characters, "
                "the same on every machine"
            )
        return self

    @model_validator(mode="after")
    def _redis_credentials(self) -> Settings:
        if self.redis_url is None:
            return self
        parts = urlsplit(self.redis_url)
        if parts.scheme not in ("redis", "rediss"):
            raise ValueError(
                f"redis_url {parts.scheme}://… is not supported: use redis://host:6379/0 or rediss://host:6380/0"
            )
        if self.redis_password is not None:
            if parts.password is not None and unquote(parts.password) != self.redis_password:
                raise ValueError(
                    "redis_url carries a password and redis_password another one: keep one of them"
                )
            user = quote(unquote(parts.username or ""), safe="")
            host = parts.netloc.rpartition("@")[2]
            netloc = f"{user}:{quote(self.redis_password, safe='')}@{host}"
            self.redis_url = urlunsplit(parts._replace(netloc=netloc))
        elif self.env == "production" and parts.password is None and not _loopback(parts.hostname or ""):
            raise ValueError(
                f"redis_url points at {parts.hostname} without a password: set CSAGENT_REDIS_PASSWORD (or put it "
                "in the URL, rediss://:password@host:6380/0) so that nobody else on the network reads the chats"
            )
        return self

    def _open_outside_production(self, switch: bool | None) -> bool:
        return switch if switch is not None else self.env != "production"

    @property
    def api_docs_enabled(self) -> bool:
        """Whether /api/docs and the OpenAPI document are served (see `ops.api_docs`)."""
        return self._open_outside_production(self.ops.api_docs)

    @property
    def readiness_details_public(self) -> bool:
        """Whether /api/ready shows its checks to callers who are not admins (see `ops.readiness_details`)."""
        return self._open_outside_production(self.ops.readiness_details)

    @property
    def metrics_open(self) -> bool:
        """Whether /metrics answers without a token: only with none configured, outside production."""
        return self.ops.metrics_token is None and self.env != "production"

    @property
    def resolved_database_url(self) -> str:
        """SQLite paths are relative to the project root, so every replica opens the same file."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix):
            path = Path(self.database_url[len(prefix) :])
            if str(path) != ":memory:":
                return prefix + str(resolve_path(path))
        return self.database_url

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - not used: no .env files
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - not used: no secret files
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest first: explicit arguments, environment, then the YAML files (see _YamlSource).
        return init_settings, env_settings, _YamlSource(settings_cls)


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a mapping at the top level")
    return data


def _no_salesforce_secrets(data: dict[str, Any]) -> None:
    """Salesforce credentials open the org's cases to whoever reads them: a config file is often committed or
    copied, the environment (filled from a secret store) is not."""
    section = data.get("salesforce") or {}
    written = [name for name in SECRET_FIELDS if isinstance(section, dict) and section.get(name) is not None]
    if written:
        variables = ", ".join(f"CSAGENT_SALESFORCE__{name.upper()}" for name in written)
        raise ValueError(
            f"salesforce.{written[0]} is written in a config file; secrets come only from the environment: "
            f"remove it from the file and set {variables}"
        )


class _YamlSource(PydanticBaseSettingsSource):
    """config/app.yaml, then the file named by CSAGENT_CONFIG, then the engine registry of config/models.yaml."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # noqa: ARG002 - base signature
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        data = _read_yaml(DEFAULT_CONFIG) if DEFAULT_CONFIG.exists() else {}
        extra = os.environ.get("CSAGENT_CONFIG")
        if extra:
            extra_path = resolve_path(Path(extra))
            if not extra_path.exists():
                raise ValueError(f"CSAGENT_CONFIG names {extra_path}, which does not exist")
            data = _deep_merge(data, _read_yaml(extra_path))
        _no_salesforce_secrets(data)
        llm = dict(data.get("llm") or {})
        if "engines" not in llm and REGISTRY_FILE.exists():
            llm["engines"] = {name: spec.model_dump() for name, spec in load_registry().items()}
        if llm:
            data["llm"] = llm
        return data


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached); tests build their own `Settings(...)` instead."""
    return Settings()
