"""Answer-quality evaluation: a held-apart question set and a runner that scores the real conversation graph.

Usage
-----
    make eval                              # the configured engine chain (depends on `make prepare`)
    make eval ENGINE=gemma-270m            # llm.chain = [gemma-270m]; names from config/models.yaml
    .venv/bin/python -m pipelines.eval [--engine NAME] [--languages en,es] [--limit N] [--json FILE] [--failures]

It builds the nlp, retrieval, llm and graph deployments in this process (`serve.builder.build_local_graph`),
sends every item of pipelines/eval/data/*.yaml as the first turn of a new conversation, and prints:
key fact with citation (overall, English, other languages, each language), precision and recall of
out_of_scope / handoff / refuse, small-talk routing, intent accuracy, the Flesch reading ease of English answers
(p10/p50/p90 and the share above 60) and turn latency p50/p99. `--failures` lists each miss (id, text, what was
expected, what came back); `--json FILE` writes every figure and every verdict.

Scoring (from the final event's `content` and `meta` only):
- `answer`: the reply states the key fact (any alternative; numbers compared without separators) AND
  `meta.citations` holds one of the item's `articles`;
- handoff = `meta.escalation_suggested`; refuse = `meta.route == "refuse"`; out of scope =
  `meta.intent.name == "out_of_scope"` with no citations.

The data
--------
One YAML file per language (`data/<code>.yaml`), validated on load (`dataset.py`); each item has `id`,
`language`, `text`, `kind` (answer | handoff | refuse | out_of_scope | small_talk), for answers `articles` and
`facts` (English; `translations` for an engine that answers in the user's language) and, where clear, `intent`.
Every key fact must be stated in a cited article (tests/unit/pipelines/test_eval_set.py checks it).

Keep this set apart from training: never copy it into pipelines/intents/intents.yaml or any tuning data (the
unit test fails when an eval text equals an intent example), and write new items rather than paraphrasing
intent examples.
"""
