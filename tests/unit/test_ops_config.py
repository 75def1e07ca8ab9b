"""Alert rules, the Grafana dashboard and the Serve config refer only to metrics and deployments that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY
from pydantic import BaseModel

import serve.metrics  # noqa: F401 - registers the metrics
from serve.builder import DEPLOYMENT_NAMES
from serve.settings import Settings

CONFIG = Path(__file__).resolve().parents[2] / "config"
_METRIC = re.compile(r"\b(csagent_[a-z_]+)")


def _known_metrics() -> set[str]:
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    names: set[str] = set()
    for metric in REGISTRY.collect():
        names.update(metric.name + suffix for suffix in suffixes.get(metric.type, ("",)))
    return names


def _used(text: str) -> set[str]:
    return set(_METRIC.findall(text))


def test_alert_rules_are_valid_and_use_our_metrics() -> None:
    rules = yaml.safe_load((CONFIG / "prometheus" / "alerts.yml").read_text())
    alerts = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    assert {"HighErrorRate", "HighLatencyP99", "HighFallbackRate"} <= set(alerts)
    known = _known_metrics()
    for name, rule in alerts.items():
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        assert rule["expr"].count("(") == rule["expr"].count(")"), name
        used = _used(rule["expr"])
        assert used and used <= known, (name, used - known)


def test_canary_alerts_compare_versions_of_one_engine() -> None:
    """A version is compared with the other versions of its own engine (`on (engine)`, many versions to one
    engine), over 10 minutes and only with enough turns: never with another engine, never on a trickle."""
    rules = yaml.safe_load((CONFIG / "prometheus" / "alerts.yml").read_text())
    alerts = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    for name, metric in (
        ("CsagentCanaryWorseThanLive", "csagent_turns_total"),
        ("CsagentCanarySlowerThanLive", "csagent_time_to_first_token_seconds_bucket"),
    ):
        expr = " ".join(alerts[name]["expr"].split())
        assert metric in expr and "by (engine, version)" in expr.replace("le, ", ""), name
        assert "> on (engine) group_left ()" in expr and "min by (engine)" in expr, name
        assert "[10m]" in expr and ">= 20" in expr and alerts[name]["for"] == "10m", name
        assert "{{ $labels.engine }}@{{ $labels.version }}" in alerts[name]["annotations"]["summary"], name


def _ray_metrics() -> set[str]:
    """What the llm replicas export through Ray (`ray_` + the name they give `ray.serve.metrics`)."""
    from deployments.llm import _COUNTERS

    names = {f"ray_csagent_llm_engine_{name}_total" for name in _COUNTERS}
    names |= {f"ray_csagent_llm_engine_{h}_bucket" for h in ("first_token_seconds", "tokens_per_second")}
    return names | {"ray_csagent_llm_engine_breaker_state"}


def test_dashboard_panels_use_our_metrics() -> None:
    dashboard = json.loads((CONFIG / "grafana" / "csagent.json").read_text())
    known = _known_metrics()
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    assert len(exprs) >= 8
    for expr in exprs:
        assert _used(expr) <= known, expr
        assert set(re.findall(r"\bray_csagent_[a-z_]+", expr)) <= _ray_metrics(), expr
    llm_row = [p for p in dashboard["panels"] if p.get("title", "").startswith("LLM engines")]
    assert llm_row, "a row compares engines and versions"


def test_dashboard_compares_model_versions() -> None:
    """The "Model versions" row: turns/s, failed share, p99 time to first token and thumbs up share, each split
    by engine and version, below every other panel."""
    panels = json.loads((CONFIG / "grafana" / "csagent.json").read_text())["panels"]
    assert len({p["id"] for p in panels}) == len(panels), "panel ids are unique"
    row = next(i for i, p in enumerate(panels) if p.get("title") == "Model versions: canary vs live")
    assert panels[row]["type"] == "row"
    below = panels[row + 1 :]
    exprs = [target["expr"] for panel in below for target in panel["targets"]]
    for metric in (
        "csagent_turns_total",
        'csagent_turns_total{outcome="failed"}',
        "csagent_time_to_first_token_seconds_bucket",
        'csagent_feedback_total{rating="up"}',
    ):
        assert any(metric in expr for expr in exprs), metric
    assert all("engine, version" in expr for expr in exprs)
    top = panels[row]["gridPos"]["y"]
    assert all(p["gridPos"]["y"] + p["gridPos"]["h"] <= top for p in panels[:row])


def test_serve_config_names_every_deployment_with_autoscaling() -> None:
    config = yaml.safe_load((CONFIG / "serve.yaml").read_text())
    app = config["applications"][0]
    assert app["import_path"] == "serve.builder:build_app"
    deployments = {d["name"]: d for d in app["deployments"]}
    assert set(deployments) == set(DEPLOYMENT_NAMES)
    for name, options in deployments.items():
        scaling = options["autoscaling_config"]
        assert scaling["min_replicas"] <= scaling["max_replicas"], name
        assert options["ray_actor_options"]["num_cpus"] > 0, name
    assert deployments["ingress"]["max_ongoing_requests"] >= 1000, "every WebSocket holds a slot"


def _setting_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, field in model.model_fields.items():
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            paths.extend(_setting_paths(nested, f"{prefix}{name}."))
        else:
            paths.append(prefix + name)
    return paths


def test_readme_documents_every_setting() -> None:
    readme = (CONFIG.parent / "README.md").read_text()
    reference = readme[readme.index("## Configuration") :]
    missing = [path for path in _setting_paths(Settings) if f"`{path}`" not in reference]
    assert missing == [], "add these settings to the README's configuration reference"
