"""Deployment options are written once, in config/serve.yaml: the application `build_app` binds carries exactly
those options (nothing added from code), and an override in `args` still wins for the deployment it names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ray.serve import Application
from ray.serve.deployment import Deployment

from deployments.graph import ConversationGraph
from deployments.llm import LLMDeployment
from deployments.nlp import NLPDeployment
from deployments.retrieval import RetrievalDeployment
from serve import builder
from serve.builder import DEPLOYMENT_NAMES, SERVE_CONFIG, build_app, serve_yaml_options

# Options Serve records for every deployment whatever the config says.
_ALWAYS = {"name", "_init_args", "_init_kwargs"}


def _bound(app: Application) -> dict[str, Deployment]:
    """Every deployment of the application, by name, found through the bound arguments."""
    found: dict[str, Deployment] = {}
    pending = [app]
    while pending:
        deployment: Deployment = pending.pop()._bound_deployment
        found[deployment.name] = deployment
        pending.extend(a for a in deployment.init_args if isinstance(a, Application))
    return found


def _yaml_deployments() -> dict[str, dict[str, Any]]:
    config = yaml.safe_load(SERVE_CONFIG.read_text())
    return {d.pop("name"): d for d in config["applications"][0]["deployments"]}


def _assert_matches(deployment: Deployment, written: dict[str, Any]) -> None:
    config = deployment._deployment_config
    assert config.user_configured_option_names - _ALWAYS == set(written), deployment.name
    for key, value in written.items():
        if key == "ray_actor_options":
            assert deployment.ray_actor_options == value, deployment.name
        elif key == "autoscaling_config":
            scaling = config.autoscaling_config
            assert scaling is not None
            assert {k: getattr(scaling, k) for k in value} == value, deployment.name
        else:
            assert getattr(config, key) == value, (deployment.name, key)


def test_the_deployment_classes_carry_no_options_of_their_own() -> None:
    for cls in (ConversationGraph, LLMDeployment, NLPDeployment, RetrievalDeployment):
        assert not hasattr(cls, "default_options"), cls.__name__
    assert not hasattr(builder, "ingress_options")


def test_build_app_binds_exactly_the_options_serve_yaml_writes() -> None:
    written = _yaml_deployments()
    assert set(written) == set(DEPLOYMENT_NAMES)
    bound = _bound(build_app({}))
    assert set(bound) == set(DEPLOYMENT_NAMES)
    for name in DEPLOYMENT_NAMES:
        _assert_matches(bound[name], written[name])
    assert bound["ingress"].max_ongoing_requests == 2000


def test_an_override_in_args_wins_for_its_deployment_only() -> None:
    written = _yaml_deployments()
    bound = _bound(build_app({"deployments": {"llm": {"num_replicas": 3, "max_ongoing_requests": 7}}}))
    llm = bound["llm"]._deployment_config
    assert (llm.num_replicas, llm.max_ongoing_requests, llm.autoscaling_config) == (3, 7, None)
    assert bound["llm"].ray_actor_options == written["llm"]["ray_actor_options"]
    _assert_matches(bound["graph"], written["graph"])


def test_a_serve_yaml_missing_a_deployment_is_refused_by_name(tmp_path: Path) -> None:
    config = yaml.safe_load(SERVE_CONFIG.read_text())
    config["applications"][0]["deployments"] = [
        d for d in config["applications"][0]["deployments"] if d["name"] != "retrieval"
    ]
    path = tmp_path / "serve.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(ValueError, match=r"\['retrieval'\]"):
        serve_yaml_options(path)
